/**
 * `npm run dev`'s HTTPS front (scripts/dev/strict-front.ts) over raw TLS: what wrangler's own server got wrong
 * under fuzzing (audit finding 7) must come back as a 4xx, and a connection must stay in step after a request
 * with an unexpected body.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { RawHttpsConnection, rawExchange, type RawResponse, type RawTarget } from "./support/raw-https.ts";

const facts = devServerFacts();
const host = `localhost:${facts.port}`;
let target: RawTarget;

beforeAll(async () => {
  target = { host: "127.0.0.1", port: facts.port, ca: await readFile(facts.caPath, "utf8") };
});

function errorCode(response: RawResponse): unknown {
  const body: unknown = JSON.parse(response.body);
  return typeof body === "object" && body !== null && "error" in body && typeof body.error === "object" && body.error !== null && "code" in body.error
    ? body.error.code
    : undefined;
}

function expectHealthy(response: RawResponse, label: string): void {
  expect(response.status, `${label}: ${response.body}`).toBe(200);
  expect(JSON.parse(response.body), label).toStrictEqual({ status: "ok" });
}

describe("dev server front: methods", () => {
  it.each(["FOO", "QUERY", "TRACE", "PROPFIND"])("answers %s with 405 MethodNotAllowed and an Allow list", async (method) => {
    const response = await rawExchange(target, `${method} / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(response.status, response.body).toBe(405);
    expect(errorCode(response)).toBe("MethodNotAllowed");
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  });
});

describe("dev server front: Host", () => {
  const malformed: [string, string][] = [
    ["userinfo after the port", `x.vault.localhost:${facts.port}@evil`],
    ["userinfo before the host", `evil@x.vault.localhost:${facts.port}`],
    ["empty", ""],
    ["a space", "x vault.localhost"],
    ["port out of range", "localhost:99999"],
    ["empty port", "localhost:"],
    ["two ports", `localhost:${facts.port}:1`],
    ["a path", `localhost:${facts.port}/x`],
    ["unbracketed IPv6", "::1"],
  ];
  it.each(malformed)("refuses a Host with %s with 400", async (_label, value) => {
    const response = await rawExchange(target, `GET /healthz HTTP/1.1\r\nHost: ${value}\r\n\r\n`);
    expect(response.status, response.body).toBe(400);
    expect(errorCode(response)).toBe("BadRequest");
  });

  it("refuses two Host headers and an absolute-form target with 400", async () => {
    const twoHosts = await rawExchange(target, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nHost: dev.vault.localhost:${facts.port}\r\n\r\n`);
    expect(twoHosts.status, twoHosts.body).toBe(400);
    const absolute = await rawExchange(target, `GET https://evil.example/healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(absolute.status, absolute.body).toBe(400);
  });

  it("forwards well-formed hosts: names, IPv4 and bracketed IPv6, with and without a port", async () => {
    for (const value of [host, "localhost", `127.0.0.1:${facts.port}`, `[::1]:${facts.port}`]) {
      expectHealthy(await rawExchange(target, `GET /healthz HTTP/1.1\r\nHost: ${value}\r\n\r\n`), value);
    }
  });
});

describe("dev server front: keep-alive connections stay in step", () => {
  // RFC 9112 §7.1: chunk extensions and trailer fields are legal; wrangler's server answered the request after a
  // trailer with 501 and reset the connection on an extension.
  const bodies: [string, string][] = [
    ["a chunked body", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"],
    ["a chunked body with a trailer", "5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n"],
    ["a chunked body with a chunk extension", "5;name=value\r\nhello\r\n0\r\n\r\n"],
  ];
  const followUp = `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  const cases: [string, string][] = [
    ...["GET", "DELETE", "POST"].flatMap((method) =>
      bodies.map(([label, body]): [string, string] => [
        `${method} with ${label}`,
        `${method} /healthz HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
      ]),
    ),
    ["GET with a Content-Length body", `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 11\r\n\r\nhello world`],
    ["DELETE with a Content-Length body", `DELETE /healthz HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 11\r\n\r\nhello world`],
  ];

  it.each(cases)("answers a %s and then the next request on the same connection", async (_label, first) => {
    const connection = await RawHttpsConnection.open(target);
    try {
      // Both at once, as a pipelining client or a fuzzer sends them: the body must not be read as a request.
      connection.send(first + followUp);
      const answer = await connection.next();
      expect(answer.status, answer.body).toBeGreaterThanOrEqual(200);
      expect(answer.status, answer.body).toBeLessThan(500);
      if (first.startsWith("GET")) expectHealthy(answer, "first");
      expectHealthy(await connection.next(), "second");
      // And the connection is still usable after that.
      connection.send(followUp);
      expectHealthy(await connection.next(), "third");
    } finally {
      connection.close();
    }
  });

  it("refuses a body framed both ways (Content-Length and chunked), the request-smuggling ambiguity, with 400", async () => {
    const response = await rawExchange(
      target,
      `POST /healthz HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    );
    expect([response.status, errorCode(response)]).toEqual([400, "BadRequest"]);
  });

  it("closes the connection after a refusal instead of reading an unwanted body", async () => {
    const connection = await RawHttpsConnection.open(target);
    try {
      connection.send(`QUERY / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\n\r\nhello`);
      const answer = await connection.next();
      expect([answer.status, answer.headers.get("connection")]).toEqual([405, "close"]);
      expect(await connection.closedByServer()).toBe(true);
    } finally {
      connection.close();
    }
  });
});

describe("dev server front: what the Worker sees", () => {
  it("ignores client headers that would steer miniflare (MF-Original-URL)", async () => {
    const response = await rawExchange(target, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nMF-Original-URL: https://${host}/admin/tenants\r\n\r\n`);
    expectHealthy(response, "MF-Original-URL");
  });

  it("hands the Worker the https:// URL the client used (admin audit log nextLink)", async () => {
    const response = await rawExchange(
      target,
      `GET /admin/auditLog?maxresults=1 HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${facts.operatorKey}\r\n\r\n`,
    );
    expect(response.status, response.body).toBe(200);
    expect((JSON.parse(response.body) as { nextLink: string }).nextLink).toMatch(new RegExp(`^https://${host}/admin/auditLog\\?`));
  });
});
