/**
 * POST /keys/{id}/release-wrap (secure key release of HSM keys, docs/key-release.md): the token wraps an exportable
 * key to a workload's RSA key; node:crypto — the independent side — undoes CKM_RSA_AES_KEY_WRAP with the workload's
 * private key (RSA-OAEP-SHA-1, then RFC 5649 via OpenSSL's id-aes256-wrap-pad) and proves the bytes are the key.
 */
import { constants, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { BridgeClient, HealthResponse, PublicJwk } from "../../core/hsm/bridge-client/index.ts";
import { b64, bytesOf, hmacClient } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { nodePublicKey } from "./support/node-keys.ts";

let client: BridgeClient;
let health: HealthResponse;
const workload = generateKeyPairSync("rsa", { modulusLength: 2048 });
const workloadJwk = workload.publicKey.export({ format: "jwk" }) as { n: string; e: string };
const target = { n: workloadJwk.n, e: workloadJwk.e };

beforeAll(async () => {
  client = await hmacClient();
  health = await client.health();
});

/** CKM_RSA_AES_KEY_WRAP undone: OAEP-SHA-1 of the AES-256 key (the workload's modulus long), then RFC 5649. */
function unwrapReleased(ciphertext: string): Buffer {
  const blob = bytesOf(ciphertext);
  const aesKey = privateDecrypt({ key: workload.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, blob.subarray(0, 256));
  expect(aesKey.length).toBe(32);
  const decipher = createDecipheriv("id-aes256-wrap-pad", aesKey, Buffer.from("a65959a6", "hex"));
  return Buffer.concat([decipher.update(blob.subarray(256)), decipher.final()]);
}

function privateKeyOf(pkcs8: Buffer): KeyObject {
  return createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
}

function samePublicKey(released: KeyObject, jwk: PublicJwk): void {
  const mine = createPublicKey(released).export({ format: "der", type: "spki" });
  expect(mine.equals(nodePublicKey(jwk).export({ format: "der", type: "spki" }))).toBe(true);
}

describe("release-wrap of exportable keys", () => {
  it("RSA: the released PKCS#8 is the token's key — same public key, and the token's signature checks with it", async () => {
    const key = await client.generateKey({ kty: "RSA", size: 2048, exportable: true });
    if (key.kty !== "RSA") throw new Error("expected an RSA key");
    const { ciphertext } = await client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target });
    const released = privateKeyOf(unwrapReleased(ciphertext));
    samePublicKey(released, key.publicJwk);
    const digest = createHash("sha256").update("released").digest();
    const { signature } = await client.sign(key.id, { alg: "RS256", digest: b64(digest) });
    expect(verify("sha256", Buffer.from("released"), createPublicKey(released), bytesOf(signature))).toBe(true);
    // And the other way: a signature by the released key verifies with the token's public half.
    expect(verify("sha256", Buffer.from("x"), nodePublicKey(key.publicJwk), sign("sha256", Buffer.from("x"), released))).toBe(true);
  });

  it("EC P-256 and secp256k1: the released key has the token's public point", async () => {
    for (const curve of ["P-256", "P-256K"] as const) {
      const key = await client.generateKey({ kty: "EC", curve, exportable: true });
      if (key.kty !== "EC") throw new Error("expected an EC key");
      const { ciphertext } = await client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target });
      samePublicKey(privateKeyOf(unwrapReleased(ciphertext)), key.publicJwk);
    }
  });

  it("oct (AES-256): the released 32 bytes decrypt what the token encrypted", async () => {
    const key = await client.generateKey({ kty: "oct", size: 256, exportable: true });
    const { ciphertext } = await client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target });
    const raw = unwrapReleased(ciphertext);
    expect(raw.length).toBe(32);
    const iv = randomBytes(16);
    const message = randomBytes(32);
    const encrypted = await client.encrypt(key.id, { alg: "A256CBC", plaintext: b64(message), iv: b64(iv) });
    const decipher = createDecipheriv("aes-256-cbc", raw, iv).setAutoPadding(false);
    expect(Buffer.concat([decipher.update(bytesOf(encrypted.ciphertext)), decipher.final()]).equals(message)).toBe(true);
  });

  it("an imported exportable key comes back as imported", async () => {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const jwk = pair.privateKey.export({ format: "jwk" }) as { x: string; y: string; d: string };
    const key = await client.importKey({ jwk: { kty: "EC", crv: "P-384", x: jwk.x, y: jwk.y, d: jwk.d }, exportable: true });
    const { ciphertext } = await client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target });
    const released = privateKeyOf(unwrapReleased(ciphertext)).export({ format: "jwk" });
    expect(released.d).toBe(jwk.d);
  });
});

describe("release-wrap refusals", () => {
  it("a key not made exportable stays in the token: 400, and says so", async () => {
    const key = await client.generateKey({ kty: "RSA", size: 2048 });
    const error = await expectBridgeError(client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target }), "BadParameter", 400);
    expect(error.message).toMatch(/not extractable/);
  });

  it("a workload key below 2048 bits, or no RSA key at all, is refused", async () => {
    const key = await client.generateKey({ kty: "EC", curve: "P-256", exportable: true });
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" }) as { n: string; e: string };
    await expectBridgeError(client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target: { n: small.n, e: small.e } }), "BadParameter", 400);
    await expectBridgeError(client.releaseWrap(key.id, { enc: "CKM_RSA_AES_KEY_WRAP", target: { n: "", e: "AQAB" } }), "BadParameter", 400);
  });

  it("OAEP with SHA-2 is done in the token or refused, never outside it", async () => {
    const key = await client.generateKey({ kty: "EC", curve: "P-256", exportable: true });
    const call = client.releaseWrap(key.id, { enc: "RSA_AES_KEY_WRAP_256", target });
    if (health.paths.rsaOaepSha256 === "native") {
      const { ciphertext } = await call;
      expect(bytesOf(ciphertext).length).toBeGreaterThan(256);
    } else {
      const error = await expectBridgeError(call, "BadParameter", 400);
      expect(error.message).toMatch(/CKM_RSA_AES_KEY_WRAP/);
    }
  });

  it("unknown algorithms and missing targets are 400s", async () => {
    const key = await client.generateKey({ kty: "EC", curve: "P-256", exportable: true });
    await expectBridgeError(client.call("POST", `/keys/${key.id}/release-wrap`, { enc: "RSA-OAEP", target }), "BadParameter", 400);
    await expectBridgeError(client.call("POST", `/keys/${key.id}/release-wrap`, { enc: "CKM_RSA_AES_KEY_WRAP" }), "BadParameter", 400);
    await expectBridgeError(client.call("POST", "/keys", { kty: "EC", curve: "P-256", exportable: "yes" }), "BadParameter", 400);
  });
});
