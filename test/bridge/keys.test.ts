/** POST /keys (every type and size), GET /keys/{id}, GET /keys/{id}/public, DELETE /keys/{id}. */
import { describe, expect, it } from "vitest";
import type { EcCurve, GenerateKeyRequest, KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { hmacClient, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { nodePublicKey } from "./support/node-keys.ts";

const KEY_ID = /^[A-Za-z0-9_-]{22}$/;
const COORDINATE_BYTES: Record<EcCurve, number> = { "P-256": 32, "P-384": 48, "P-521": 66, "P-256K": 32 };
const NODE_CURVE: Record<EcCurve, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", "P-256K": "secp256k1" };

describe("POST /keys", () => {
  it.each([2048, 3072, 4096] as const)("generates RSA-%i with e = 65537 and returns its public key", async (size) => {
    const key = await (await hmacClient()).generateKey({ kty: "RSA", size });
    expect(key).toMatchObject({ kty: "RSA", size, publicJwk: { kty: "RSA", e: "AQAB" } });
    expect(key.id).toMatch(KEY_ID);
    const publicKey = nodePublicKey(publicJwkOf(key));
    expect(publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: size, publicExponent: 65537n });
  });

  it.each(["P-256", "P-384", "P-521", "P-256K"] as const)("generates an EC key on %s", async (curve) => {
    const key = await (await hmacClient()).generateKey({ kty: "EC", curve });
    expect(key).toMatchObject({ kty: "EC", curve, publicJwk: { kty: "EC", crv: curve } });
    const jwk = publicJwkOf(key);
    if (jwk.kty !== "EC") throw new Error("EC expected");
    expect(Buffer.from(jwk.x, "base64url")).toHaveLength(COORDINATE_BYTES[curve]);
    expect(Buffer.from(jwk.y, "base64url")).toHaveLength(COORDINATE_BYTES[curve]);
    // node refuses points that are not on the curve, so this also checks the point is real.
    expect(nodePublicKey(jwk).asymmetricKeyDetails).toEqual({ namedCurve: NODE_CURVE[curve] });
  });

  it.each([128, 192, 256] as const)("generates an AES-%i key (purpose aes), which has no public half", async (size) => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "oct", size });
    expect(key).toEqual({ id: expect.stringMatching(KEY_ID), kty: "oct", size, purpose: "aes" });
    await expectBridgeError(client.publicKey(key.id), "BadParameter", 400);
  });

  it("gives every key a fresh random id", async () => {
    const client = await hmacClient();
    const ids = await Promise.all([1, 2, 3, 4].map(() => client.generateKey({ kty: "oct", size: 256 }).then((key) => key.id)));
    expect(new Set(ids).size).toBe(4);
  });

  it.each([
    { kty: "RSA", size: 1024 },
    { kty: "RSA", size: 8192 },
    { kty: "EC", curve: "P-224" },
    { kty: "EC", curve: "secp256k1" },
    { kty: "oct", size: 512 },
    { kty: "oct", size: 128, purpose: "hmac" },
    { kty: "oct", size: 256, purpose: "mac" },
    { kty: "DSA", size: 2048 },
  ])("refuses %j with BadParameter", async (request) => {
    const client = await hmacClient();
    await expectBridgeError(client.generateKey(request as unknown as GenerateKeyRequest), "BadParameter", 400);
  });
});

describe("key lookup by id", () => {
  it("GET /keys/{id} and GET /keys/{id}/public answer what generate answered", async () => {
    const client = await hmacClient();
    const requests = [{ kty: "RSA", size: 2048 }, { kty: "EC", curve: "P-384" }, { kty: "oct", size: 192 }, { kty: "oct", size: 512, purpose: "hmac" }] as const;
    for (const request of requests) {
      const created = await client.generateKey(request);
      expect(await client.getKey(created.id)).toEqual(created);
      if (created.kty !== "oct") expect(await client.publicKey(created.id)).toEqual({ id: created.id, jwk: created.publicJwk });
    }
  });

  it("answers an unknown id 404 KeyNotFound and a malformed one 400 BadParameter", async () => {
    const client = await hmacClient();
    const unknown = Buffer.alloc(16, 7).toString("base64url");
    await expectBridgeError(client.getKey(unknown), "KeyNotFound", 404);
    await expectBridgeError(client.publicKey(unknown), "KeyNotFound", 404);
    await expectBridgeError(client.sign(unknown, { alg: "ES256", digest: Buffer.alloc(32).toString("base64url") }), "KeyNotFound", 404);
    for (const malformed of ["short", "x".repeat(23), "a.b", "AAAAAAAAAAAAAAAAAAAAAB"]) {
      const answer = await rawCall({ method: "GET", path: `/keys/${malformed}` });
      expect(answer.status, malformed).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: "BadParameter" } });
    }
  });
});

describe("DELETE /keys/{id}", () => {
  it("destroys both halves of a pair; the id is then unknown everywhere", async () => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    expect(await client.deleteKey(key.id)).toEqual({ id: key.id, deleted: true });
    await expectBridgeError(client.getKey(key.id), "KeyNotFound", 404);
    await expectBridgeError(client.publicKey(key.id), "KeyNotFound", 404);
    await expectBridgeError(client.deleteKey(key.id), "KeyNotFound", 404);
  });

  it("forgets a cached key: a sign after delete is KeyNotFound, not a stale handle", async () => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    await client.sign(key.id, { alg: "ES256", digest: Buffer.alloc(32, 1).toString("base64url") });
    await client.deleteKey(key.id);
    await expectBridgeError(client.sign(key.id, { alg: "ES256", digest: Buffer.alloc(32, 1).toString("base64url") }), "KeyNotFound", 404);
  });
});

function publicJwkOf(key: KeyInfo) {
  if (key.kty === "oct") throw new Error("no public key");
  return key.publicJwk;
}
