/**
 * The wire protocol as documented in wasm-hsm/README.md, recomputed independently with node:crypto: the signed
 * strings, the headers, and base64url. If these drift from the README, a non-TypeScript caller would break.
 */
import { createHash, createHmac, createPublicKey, generateKeyPairSync, randomBytes, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesToBase64Url as encodeBase64url, decodeBase64, UNPADDED_BASE64URL } from "../../core/crypto/bytes.ts";
import { ed25519Credentials, hmacCredentials, responseProblem, signRequest } from "../../core/hsm/bridge-client/index.ts";

/** The protocol's binary fields: the one codec (core/crypto/bytes.ts) under its unpadded canonical rule. */
const isBase64url = (text: string): boolean => decodeBase64(text, UNPADDED_BASE64URL) !== null;
function decodeBase64url(text: string): Uint8Array {
  const bytes = decodeBase64(text, UNPADDED_BASE64URL);
  if (bytes === null) throw new TypeError(`not canonical base64url: ${text}`);
  return bytes;
}

const SECRET = Buffer.alloc(32, 0x11);

describe("request signature", () => {
  it("is HMAC-SHA256 over the documented lines, base64url, in x-hsm-bridge-signature", async () => {
    const credentials = await hmacCredentials("vault", SECRET.toString("base64url"));
    const body = Buffer.from('{"count":16}');
    const nonce = "AAAAAAAAAAAAAAAAAAAAAA";
    const { headers } = await signRequest(credentials, { method: "post", path: "/random", body: new Uint8Array(body), idempotencyKey: "k-1" }, 1_700_000_000_999, nonce);
    const expectedInput = [
      "hsm-bridge-v1 request",
      "vault",
      "POST",
      "/random",
      "1700000000",
      nonce,
      "k-1",
      createHash("sha256").update(body).digest("base64url"),
    ].join("\n");
    expect(headers).toEqual({
      "x-hsm-bridge-key-id": "vault",
      "x-hsm-bridge-timestamp": "1700000000",
      "x-hsm-bridge-nonce": nonce,
      "x-hsm-bridge-signature": createHmac("sha256", SECRET).update(expectedInput).digest("base64url"),
      "idempotency-key": "k-1",
    });
  });

  it("with Ed25519, verifies with node:crypto over the same string (empty body, no idempotency key)", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url");
    const bridgePublic = encodeBase64url(randomBytes(32));
    const credentials = await ed25519Credentials("vault-ed", pkcs8, bridgePublic);
    const nonce = "BBBBBBBBBBBBBBBBBBBBBB";
    const { headers } = await signRequest(credentials, { method: "GET", path: "/health", body: new Uint8Array(0) }, 1_700_000_000_000, nonce);
    const input = ["hsm-bridge-v1 request", "vault-ed", "GET", "/health", "1700000000", nonce, "", createHash("sha256").digest("base64url")].join("\n");
    expect(verify(null, Buffer.from(input), publicKey, Buffer.from(headers["x-hsm-bridge-signature"]!, "base64url"))).toBe(true);
    expect(headers).not.toHaveProperty("idempotency-key");
  });
});

describe("response signature", () => {
  it("covers status, the request's nonce, the answer's timestamp and body hash", async () => {
    const credentials = await hmacCredentials("vault", SECRET.toString("base64url"));
    const body = Buffer.from('{"bytes":"AAAA"}');
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const nonce = "CCCCCCCCCCCCCCCCCCCCCC";
    const sign = (status: number, forNonce: string, at: number, content: Buffer) =>
      createHmac("sha256", SECRET)
        .update(["hsm-bridge-v1 response", "vault", String(status), forNonce, String(at), createHash("sha256").update(content).digest("base64url")].join("\n"))
        .digest("base64url");
    const headersOf = (signature: string, at = timestamp) => (name: string) =>
      ({ "x-hsm-bridge-signature": signature, "x-hsm-bridge-timestamp": String(at) })[name] ?? null;
    const check = (header: (name: string) => string | null, status = 200, content = body) =>
      responseProblem(credentials, nonce, status, header, new Uint8Array(content), now);

    expect(await check(headersOf(sign(200, nonce, timestamp, body)))).toBeUndefined();
    expect(await check(headersOf(sign(200, "DDDDDDDDDDDDDDDDDDDDDD", timestamp, body)))).toMatch(/does not verify/);
    expect(await check(headersOf(sign(200, nonce, timestamp, body)), 500)).toMatch(/does not verify/);
    expect(await check(headersOf(sign(200, nonce, timestamp, body)), 200, Buffer.from("{}"))).toMatch(/does not verify/);
    expect(await check(headersOf(sign(200, nonce, timestamp - 31, body), timestamp - 31))).toMatch(/clock skew/);
    expect(await check(() => null)).toMatch(/unsigned/);
    // A request signature never passes as a response one: the first line differs.
    const asRequest = createHmac("sha256", SECRET).update(["hsm-bridge-v1 request", "vault", "200", nonce, String(timestamp)].join("\n")).digest("base64url");
    expect(await check(headersOf(asRequest))).toMatch(/does not verify/);
  });
});

describe("base64url (RFC 4648 §5, unpadded)", () => {
  it("agrees with Buffer for every length 0–64", () => {
    for (let length = 0; length <= 64; length += 1) {
      const bytes = randomBytes(length);
      const text = encodeBase64url(bytes);
      expect(text).toBe(bytes.toString("base64url"));
      expect(Buffer.from(decodeBase64url(text)).equals(bytes)).toBe(true);
    }
  });

  it("refuses padding, the standard alphabet, a lone trailing character and non-zero trailing bits", () => {
    for (const bad of ["AA==", "a+b/", "AAAAA", "AB", "AAB"]) expect(isBase64url(bad), bad).toBe(false);
    for (const good of ["", "AA", "AAA", "AAAA", "-_-_"]) expect(isBase64url(good), good).toBe(true);
  });
});

describe("Ed25519 key formats", () => {
  it("the bridge's public key is the raw 32 bytes, i.e. the JWK x", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const x = publicKey.export({ format: "jwk" }).x ?? "";
    expect(decodeBase64url(x)).toHaveLength(32);
    expect(createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" }).asymmetricKeyType).toBe("ed25519");
  });
});
