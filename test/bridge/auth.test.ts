/**
 * Request signatures (docs/decisions.md §4.4): bad signatures, stale or future timestamps, replayed nonces, tampered
 * bodies and paths are all refused with 401 before anything runs; answers are signed and bound to the request's
 * nonce, and the client refuses answers that are not.
 */
import { describe, expect, it } from "vitest";
import { BridgeClient, HEADER, hmacCredentials, signRequest } from "../../core/hsm/bridge-client/index.ts";
import { bridgeFacts } from "./support/bridge-facts.ts";
import { ed25519Client, hmacClient, hmacCredentialsForTests, rawCall, send } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";

const EMPTY = new Uint8Array(0);

async function signedHeaders(method: string, path: string, body: Uint8Array<ArrayBuffer> = EMPTY, at = Date.now()) {
  return (await signRequest(await hmacCredentialsForTests(), { method, path, body }, at)).headers;
}

function expectUnauthorized(answer: { status: number; json: unknown }, message: RegExp): void {
  expect(answer.status).toBe(401);
  expect(answer.json).toEqual({ error: { code: "Unauthorized", message: expect.stringMatching(message) } });
}

describe("refused requests", () => {
  it("no signature headers at all: 401, and the answer is unsigned (no known caller to sign for)", async () => {
    const answer = await send(bridgeFacts().url, "GET", "/health", {}, EMPTY);
    expectUnauthorized(answer, /missing/);
    expect(answer.headers.get(HEADER.signature)).toBeNull();
  });

  it("a flipped bit in the signature: 401", async () => {
    const headers = await signedHeaders("GET", "/health");
    const signature = Buffer.from(headers[HEADER.signature]!, "base64url");
    signature[0] = (signature[0] ?? 0) ^ 1;
    expectUnauthorized(await send(bridgeFacts().url, "GET", "/health", { ...headers, [HEADER.signature]: signature.toString("base64url") }, EMPTY), /does not verify/);
  });

  it("the right key id with the wrong secret: 401", async () => {
    const wrong = await hmacCredentials(bridgeFacts().hmacKeyId, Buffer.alloc(32, 9).toString("base64url"));
    expectUnauthorized(await rawCall({ method: "GET", path: "/health", credentials: wrong }), /does not verify/);
  });

  it("an unknown key id: 401", async () => {
    const stranger = await hmacCredentials("stranger", bridgeFacts().hmacSecret);
    expectUnauthorized(await rawCall({ method: "GET", path: "/health", credentials: stranger }), /unknown/);
  });

  it("a timestamp more than 30 s old or ahead: 401; up to 25 s either way is fine", async () => {
    const now = Date.now();
    expectUnauthorized(await rawCall({ method: "GET", path: "/health", signedAt: now - 31_000 }), /clock skew/);
    expectUnauthorized(await rawCall({ method: "GET", path: "/health", signedAt: now + 31_000 }), /clock skew/);
    // Not earlier than the bridge's start, which it refuses on purpose (restart.test.ts).
    const past = Math.max(now - 25_000, Math.ceil(bridgeFacts().listeningAt / 1000) * 1000);
    expect((await rawCall({ method: "GET", path: "/health", signedAt: past })).status).toBe(200);
    expect((await rawCall({ method: "GET", path: "/health", signedAt: now + 25_000 })).status).toBe(200);
  });

  it("a replayed request (same nonce, same signature): the first runs, the second is 401", async () => {
    const headers = await signedHeaders("GET", "/health");
    expect((await send(bridgeFacts().url, "GET", "/health", headers, EMPTY)).status).toBe(200);
    expectUnauthorized(await send(bridgeFacts().url, "GET", "/health", headers, EMPTY), /nonce already used/);
  });

  it("a nonce reused in a freshly signed request is refused too (nonces are remembered per client)", async () => {
    const nonce = Buffer.alloc(16, 0x42).toString("base64url") + Date.now().toString(36);
    expect((await rawCall({ method: "GET", path: "/health", nonce })).status).toBe(200);
    expectUnauthorized(await rawCall({ method: "POST", path: "/random", body: { count: 4 }, nonce }), /nonce/);
  });

  it("a body or path other than the signed one: 401", async () => {
    const body = new TextEncoder().encode(JSON.stringify({ count: 4 }));
    const headers = await signedHeaders("POST", "/random", body);
    const other = new TextEncoder().encode(JSON.stringify({ count: 128 }));
    expectUnauthorized(await send(bridgeFacts().url, "POST", "/random", headers, other), /does not verify/);
    const sameBody = await signedHeaders("POST", "/random", body);
    expectUnauthorized(await send(bridgeFacts().url, "POST", "/random?x=1", sameBody, body), /does not verify/);
    const method = await signedHeaders("GET", "/health");
    expectUnauthorized(await send(bridgeFacts().url, "POST", "/health", method, EMPTY), /does not verify/);
  });

  it("a refused request changes nothing: a forged generate creates no key", async () => {
    const body = new TextEncoder().encode(JSON.stringify({ kty: "oct", size: 256 }));
    const headers = await signedHeaders("POST", "/keys", body);
    const tampered = new TextEncoder().encode(JSON.stringify({ kty: "oct", size: 128 }));
    const answer = await send(bridgeFacts().url, "POST", "/keys", headers, tampered);
    expect(answer.status).toBe(401);
    expect(answer.json).not.toHaveProperty("id");
  });
});

describe("signed answers", () => {
  it("answers are signed over status, body and the request's nonce; 401s to known callers too", async () => {
    const ok = await rawCall({ method: "POST", path: "/random", body: { count: 8 } });
    expect(ok.headers.get(HEADER.signature)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ok.headers.get(HEADER.timestamp)).toMatch(/^\d+$/);
    const stale = await rawCall({ method: "GET", path: "/health", signedAt: Date.now() - 60_000 });
    expect(stale.status).toBe(401);
    expect(stale.headers.get(HEADER.signature)).not.toBeNull();
  });

  it("the client refuses a tampered answer body", async () => {
    const client = new BridgeClient({
      baseUrl: bridgeFacts().url,
      credentials: await hmacCredentialsForTests(),
      fetch: async (request) => {
        const real = await fetch(request);
        // A different first character, always: replacing it with a fixed one left 1 answer in 64 untouched.
        const body = (await real.text()).replace(/"bytes":"(.)/, (_match, first: string) => `"bytes":"${first === "A" ? "B" : "A"}`);
        return new Response(body, { status: real.status, headers: real.headers });
      },
    });
    await expectBridgeError(client.random(16), "BadResponse");
  });

  it("the client refuses a genuine answer replayed for another request (nonce binding)", async () => {
    let recorded: { body: string; status: number; headers: Headers } | undefined;
    const client = new BridgeClient({
      baseUrl: bridgeFacts().url,
      credentials: await hmacCredentialsForTests(),
      fetch: async (request) => {
        if (recorded !== undefined) return new Response(recorded.body, recorded);
        const real = await fetch(request);
        recorded = { body: await real.text(), status: real.status, headers: real.headers };
        return new Response(recorded.body, recorded);
      },
    });
    await client.random(16);
    await expectBridgeError(client.random(16), "BadResponse");
  });

  it("the client refuses an unsigned answer, and reports an unreachable bridge as BridgeUnreachable", async () => {
    const unsigned = new BridgeClient({
      baseUrl: bridgeFacts().url,
      credentials: await hmacCredentialsForTests(),
      fetch: async () => new Response(JSON.stringify({ bytes: "AAAA" }), { status: 200 }),
    });
    await expectBridgeError(unsigned.random(3), "BadResponse", 200);
    const nowhere = new BridgeClient({ baseUrl: "http://127.0.0.1:9", credentials: await hmacCredentialsForTests(), timeoutMs: 2_000 });
    const error = await expectBridgeError(nowhere.health(), "BridgeUnreachable");
    expect(error.retryable).toBe(true);
  });
});

describe("Ed25519 callers", () => {
  it("sign requests with their private key and check answers with the bridge's public key", async () => {
    const client = await ed25519Client();
    expect((await client.health()).status).toBe("ok");
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    // The same key is reachable by every authenticated caller: keys belong to the token, not to a client.
    expect(await (await hmacClient()).getKey(key.id)).toEqual(key);
  });

  it("an HMAC signature under the Ed25519 client's id is refused", async () => {
    const impostor = await hmacCredentials(bridgeFacts().ed25519KeyId, bridgeFacts().hmacSecret);
    expect((await rawCall({ method: "GET", path: "/health", credentials: impostor })).status).toBe(401);
  });
});
