/**
 * Audit finding 2: `npm run dev` listens on the loopback only, and its credential-less IMDS endpoint (a token
 * that administers the dev vault) answers callers on this machine and no one else, whatever headers they send.
 */
import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { connect } from "node:tls";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { rawExchange, type RawResponse, type RawTarget } from "./support/raw-https.ts";
import { tokenResource } from "./support/raw-vault.ts";

const facts = devServerFacts();
const host = `localhost:${facts.port}`;
let ca: string;

beforeAll(async () => {
  ca = await readFile(facts.caPath, "utf8");
});

/** This machine's own addresses other machines could reach (link-local ones need a scope and are left out). */
function nonLoopbackAddresses(): { address: string; family: "IPv4" | "IPv6" }[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal && !entry.address.toLowerCase().startsWith("fe80:"))
    .map(({ address, family }) => ({ address, family }));
}

function imds(target: RawTarget, extraHeaders = ""): Promise<RawResponse> {
  const resource = encodeURIComponent(tokenResource(facts.vaultUrl));
  return rawExchange(
    target,
    `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=${resource} HTTP/1.1\r\nHost: ${host}\r\nMetadata: true\r\n${extraHeaders}\r\n`,
  );
}

function accessToken(response: RawResponse): string {
  expect(response.status, response.body).toBe(200);
  const token = (JSON.parse(response.body) as { access_token?: unknown }).access_token;
  expect(typeof token).toBe("string");
  return String(token);
}

/** How a connection attempt ended: "connected", or the error code. */
function tryConnect(address: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: facts.port, ca, servername: "localhost", timeout: 5_000 });
    socket.once("secureConnect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (error: Error & { code?: string }) => resolve(error.code ?? error.message));
  });
}

/**
 * The dev vault's key-create budget (20 per 10 s, Azure's) is shared with the tests that ran just before; a 429 is
 * answered as every Azure client answers it: wait the Retry-After the vault names, then send again.
 */
async function honouringRetryAfter(send: () => Promise<RawResponse>): Promise<RawResponse> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    const wait = Number(response.headers.get("retry-after"));
    if (response.status !== 429 || attempt === 3 || !(wait > 0 && wait <= 10)) return response;
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

describe("dev server: loopback only", () => {
  it("is not reachable on this machine's non-loopback addresses", async (context) => {
    const addresses = nonLoopbackAddresses();
    if (addresses.length === 0) context.skip("this machine has no non-loopback address to try");
    for (const { address } of addresses) {
      expect(await tryConnect(address), `https://${address}:${facts.port}`).not.toBe("connected");
    }
  });

  it("serves the IMDS token endpoint to loopback callers over IPv4 and IPv6, tokens the vault accepts", async () => {
    for (const address of ["127.0.0.1", "::1"]) {
      const token = accessToken(await imds({ host: address, port: facts.port, ca }));
      const name = uniqueName("imds-front");
      // The token administers the dev vault; a certificate create also shows the Location the Worker built
      // reaches the client as https:// (wrangler's proxy would rewrite it if its URL and ours disagreed).
      const policy = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=front.example" }, issuer: { name: "Unknown" } };
      const body = JSON.stringify({ policy });
      const created = await honouringRetryAfter(() =>
        rawExchange(
          { host: address, port: facts.port, ca },
          `POST /certificates/${name}/create?api-version=7.5 HTTP/1.1\r\nHost: ${new URL(facts.vaultUrl).host}\r\n` +
            `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        ),
      );
      expect(created.status, created.body).toBe(202);
      expect(created.headers.get("location")).toMatch(new RegExp(`^${facts.vaultUrl}/certificates/${name}/pending\\?`));
    }
  });

  it("takes the caller's address from the socket: a loopback caller claiming another address still gets a token", async () => {
    const claims = "CF-Connecting-IP: 10.0.0.5\r\nX-Forwarded-For: 10.0.0.5\r\nX-Real-IP: 10.0.0.5\r\n";
    accessToken(await imds({ host: "127.0.0.1", port: facts.port, ca }, claims));
  });

  it("refuses a non-loopback caller that claims to be 127.0.0.1", async (context) => {
    // A connection to the loopback from one of this machine's other addresses: the kernel accepts it, and the
    // front sees a non-loopback peer, as it would see a machine on the network in an exposed setup.
    const sources = nonLoopbackAddresses();
    if (sources.length === 0) context.skip("this machine has no non-loopback address to connect from");
    const claims = "CF-Connecting-IP: 127.0.0.1\r\nX-Forwarded-For: 127.0.0.1\r\n";
    for (const { address, family } of sources) {
      const loopback = family === "IPv4" ? "127.0.0.1" : "::1";
      const response = await imds({ host: loopback, port: facts.port, ca, localAddress: address }, claims);
      expect(response.status, `from ${address}: ${response.body}`).toBe(400);
      expect(JSON.parse(response.body)).toStrictEqual({
        error: "invalid_request",
        error_description: "Required metadata header not specified or identity not available.",
      });
    }
  });
});
