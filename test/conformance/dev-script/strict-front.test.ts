/**
 * The front on its own, before a stand-in for wrangler (a plain Node server that reports what reached it), for
 * what the real dev server cannot show: the exact headers forwarded, and the answers when wrangler is down or
 * drops the connection.
 */
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../../scripts/dev/port.ts";
import { startStrictFront, type StrictFront } from "../../../scripts/dev/strict-front.ts";
import { devServerFacts } from "../support/dev-server-facts.ts";
import { RawHttpsConnection, rawExchange, type RawTarget } from "../support/raw-https.ts";

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const facts = devServerFacts();
let upstream: Server;
let seen: Seen[] = [];
/** What the stand-in does with the next request: answer, or drop the connection unanswered. */
let behaviour: "answer" | "drop" = "answer";
let front: StrictFront;
let target: RawTarget;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (behaviour === "drop") {
        request.socket.destroy();
        return;
      }
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(201, { "content-type": "application/json", "x-upstream": "yes", "keep-alive": "timeout=77" });
      response.end('{"ok":true}');
    });
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  const [cert, key, ca] = await Promise.all(["server.pem", "server-key.pem", "ca.pem"].map((file) => readFile(join(facts.stateDir, file), "utf8")));
  const port = await findFreePort();
  front = await startStrictFront({ addresses: ["127.0.0.1", "::1"], port, cert: cert ?? "", key: key ?? "", upstreamPort: (upstream.address() as AddressInfo).port });
  target = { host: "127.0.0.1", port, ca: ca ?? "" };
});

afterAll(async () => {
  await front.close();
  upstream.close();
});

describe("strict front", () => {
  it("listens on both loopback families by default", () => {
    expect(front.addresses).toEqual(["127.0.0.1", "::1"]);
  });

  it("forwards Host, path and body; sets the caller's address from the socket over anything the client claimed", async () => {
    seen = [];
    const body = '{"value":"x"}';
    const response = await rawExchange(
      target,
      `PUT /secrets/a?api-version=7.5 HTTP/1.1\r\nHost: dev.vault.localhost:8443\r\nContent-Length: ${body.length}\r\n` +
        "CF-Connecting-IP: 127.0.0.1\r\nX-Forwarded-For: 10.9.9.9\r\nForwarded: for=10.9.9.9\r\nX-Real-IP: 10.9.9.9\r\n" +
        "CF-IPCountry: XX\r\nMF-Original-URL: https://evil.vault.localhost/\r\nMF-CF-Blob: {}\r\nX-Miniflare-X: 1\r\n" +
        `Authorization: Bearer abc\r\n\r\n${body}`,
    );
    expect([response.status, response.headers.get("x-upstream"), response.body]).toEqual([201, "yes", '{"ok":true}']);
    // Hop-by-hop headers of the upstream connection stay on it.
    expect(response.headers.get("keep-alive")).not.toContain("timeout=77");
    const [request] = seen;
    expect(request).toMatchObject({ method: "PUT", url: "/secrets/a?api-version=7.5", body });
    expect(request?.headers).toMatchObject({
      host: "dev.vault.localhost:8443",
      authorization: "Bearer abc",
      "cf-connecting-ip": "127.0.0.1",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "https",
      "mf-original-url": "https://dev.vault.localhost:8443/secrets/a?api-version=7.5",
    });
    for (const name of ["forwarded", "x-real-ip", "cf-ipcountry", "mf-cf-blob", "x-miniflare-x"]) expect(request?.headers[name], name).toBeUndefined();
  });

  it("reports an IPv6 caller as ::1", async () => {
    seen = [];
    await rawExchange({ ...target, host: "::1" }, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(seen[0]?.headers["cf-connecting-ip"]).toBe("::1");
  });

  it("reads a GET's or DELETE's body to its end but does not forward it", async () => {
    seen = [];
    const connection = await RawHttpsConnection.open(target);
    try {
      connection.send("DELETE /x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
      connection.send("GET /y HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello");
      expect((await connection.next()).status).toBe(201);
      expect((await connection.next()).status).toBe(201);
    } finally {
      connection.close();
    }
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers["content-length"], s.headers["transfer-encoding"]])).toEqual([
      ["DELETE", "/x", "", undefined, undefined],
      ["GET", "/y", "", undefined, undefined],
    ]);
  });

  it("answers 502 in Key Vault's error shape when wrangler drops the connection", async () => {
    behaviour = "drop";
    try {
      const response = await rawExchange(target, "POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
      expect([response.status, JSON.parse(response.body).error.code]).toEqual([502, "BadGateway"]);
    } finally {
      behaviour = "answer";
    }
  });

  it("answers 503 with Retry-After when wrangler is not listening", async () => {
    const [cert, key] = await Promise.all(["server.pem", "server-key.pem"].map((file) => readFile(join(facts.stateDir, file), "utf8")));
    const port = await findFreePort();
    const orphan = await startStrictFront({ addresses: ["127.0.0.1"], port, cert: cert ?? "", key: key ?? "", upstreamPort: await findFreePort() });
    try {
      const response = await rawExchange({ ...target, port }, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      expect([response.status, JSON.parse(response.body).error.code, response.headers.get("retry-after")]).toEqual([503, "ServiceUnavailable", "1"]);
    } finally {
      await orphan.close();
    }
  });
});
