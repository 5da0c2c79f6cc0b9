/**
 * BYOK import (Azure's "Bring your own key specification"): blobs made independently with node:crypto from keys
 * node generated, imported under a KEK the bridge generated, and then shown to be THE key — the bridge's signature
 * verifies with the original public key, the bridge's AES-GCM ciphertext opens with the original bytes. Every bad
 * blob gets the same 400 and leaves nothing on the token.
 */
import { constants, createDecipheriv, createHash, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeClient, ByokTarget, KeyInfo, SignAlgorithm } from "../../core/hsm/bridge-client/index.ts";
import { byokCiphertext } from "./support/byok-blob.ts";
import { b64, bytesOf, hmacClient, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { openTokenSession, pkcs11js, type TokenSession } from "./support/token-session.ts";

let client: BridgeClient;
let kek: Extract<KeyInfo, { kty: "RSA" }>;
let token: TokenSession;

beforeAll(async () => {
  client = await hmacClient();
  const generated = await client.generateKey({ kty: "RSA", size: 2048 });
  if (generated.kty !== "RSA") throw new Error("RSA KEK expected");
  kek = generated;
  token = openTokenSession();
});

afterAll(() => token.close());

const ecCases = [
  { curve: "P-256", node: "prime256v1", alg: "ES256", hash: "sha256" },
  { curve: "P-384", node: "secp384r1", alg: "ES384", hash: "sha384" },
  { curve: "P-521", node: "secp521r1", alg: "ES512", hash: "sha512" },
  { curve: "P-256K", node: "secp256k1", alg: "ES256K", hash: "sha256" },
] as const;

function pkcs8(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "pkcs8" });
}

async function importBlob(blob: Buffer, target: ByokTarget, kekId = kek.id): Promise<KeyInfo> {
  return client.importByok(kekId, { ciphertext: b64(blob), target });
}

async function expectSignatureVerifies(key: KeyInfo, alg: SignAlgorithm, hash: string, original: KeyObject): Promise<void> {
  const message = randomBytes(64);
  const digest = createHash(hash).update(message).digest();
  const { signature } = await client.sign(key.id, { alg, digest: b64(digest) });
  const options = key.kty === "EC"
    ? { key: original, dsaEncoding: "ieee-p1363" as const }
    : alg.startsWith("PS")
      ? { key: original, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }
      : original;
  expect(verify(hash, message, options, bytesOf(signature))).toBe(true);
}

describe("POST /keys/{kekId}/import-byok", () => {
  it("is done in the token in two steps on SoftHSM2 (health says so)", async () => {
    expect((await client.health()).paths.rsaAesKeyWrap).toBe("two-step");
  });

  it("imports an RSA-2048 key: same modulus, and its signatures verify with the original public key", async () => {
    const original = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = await importBlob(byokCiphertext(kek.publicJwk, pkcs8(original.privateKey)), { kty: "RSA" });
    expect(key).toMatchObject({ kty: "RSA", size: 2048 });
    expect(key.kty === "RSA" && key.publicJwk).toEqual({ kty: "RSA", ...pick(original.publicKey.export({ format: "jwk" }), "n", "e") });
    await expectSignatureVerifies(key, "RS256", "sha256", original.publicKey);
    await expectSignatureVerifies(key, "PS384", "sha384", original.publicKey);
  });

  it.each(ecCases)("imports an EC $curve key: same public point, and its signatures verify", async ({ curve, node, alg, hash }) => {
    const original = generateKeyPairSync("ec", { namedCurve: node });
    const key = await importBlob(byokCiphertext(kek.publicJwk, pkcs8(original.privateKey)), { kty: "EC", curve });
    const jwk = original.publicKey.export({ format: "jwk" });
    expect(key).toEqual({ id: key.id, kty: "EC", curve, publicJwk: { kty: "EC", crv: curve, x: jwk.x, y: jwk.y } });
    await expectSignatureVerifies(key, alg, hash, original.publicKey);
  });

  it("accepts an EC key whose PKCS#8 carries no public key (RFC 5915 makes it optional)", async () => {
    const original = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const d = Buffer.from(original.privateKey.export({ format: "jwk" }).d ?? "", "base64url");
    // PKCS#8 (RFC 5208 §5) { version 0, id-ecPublicKey + prime256v1, OCTET STRING { RFC 5915 §3 ECPrivateKey
    // { version 1, privateKey d } } }: no [0] parameters, no [1] publicKey.
    const bare = Buffer.concat([Buffer.from("3041020100301306072a8648ce3d020106082a8648ce3d0301070427302502010104" + "20", "hex"), d]);
    expect(createPrivateKey({ key: bare, format: "der", type: "pkcs8" }).export({ format: "jwk" }).d).toBe(b64(d));
    const key = await importBlob(byokCiphertext(kek.publicJwk, bare), { kty: "EC", curve: "P-256" });
    expect(key.kty === "EC" && key.publicJwk).toMatchObject({ x: original.publicKey.export({ format: "jwk" }).x });
    await expectSignatureVerifies(key, "ES256", "sha256", original.publicKey);
  });

  it.each([
    { bits: 128, aesBits: 128, alg: "A128GCM" },
    { bits: 192, aesBits: 192, alg: "A192GCM" },
    { bits: 256, aesBits: 256, alg: "A256GCM" },
    { bits: 256, aesBits: 128, alg: "A256GCM" },
  ] as const)("imports an AES-$bits key (ephemeral AES-$aesBits): the bridge's ciphertext opens with the original bytes", async ({ bits, aesBits, alg }) => {
    const value = randomBytes(bits / 8);
    const key = await importBlob(byokCiphertext(kek.publicJwk, value, aesBits), { kty: "oct" });
    expect(key).toEqual({ id: key.id, kty: "oct", size: bits, purpose: "aes" });
    expect(await client.getKey(key.id)).toEqual(key);
    const plaintext = randomBytes(45);
    const sealed = await client.encrypt(key.id, { alg, plaintext: b64(plaintext), aad: b64("a1b2") });
    const decipher = createDecipheriv(`aes-${bits}-gcm`, value, bytesOf(sealed.iv ?? ""));
    decipher.setAAD(Buffer.from("a1b2", "hex"));
    decipher.setAuthTag(bytesOf(sealed.tag ?? ""));
    expect(Buffer.concat([decipher.update(bytesOf(sealed.ciphertext)), decipher.final()]).equals(plaintext)).toBe(true);
  });

  it("works under a 3072-bit KEK too", async () => {
    const big = await client.generateKey({ kty: "RSA", size: 3072 });
    if (big.kty !== "RSA") throw new Error("RSA expected");
    const original = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const key = await importBlob(byokCiphertext(big.publicJwk, pkcs8(original.privateKey)), { kty: "EC", curve: "P-384" }, big.id);
    await expectSignatureVerifies(key, "ES384", "sha384", original.publicKey);
  });

  it("leaves keys like imported ones: token objects, private, sensitive, not extractable, one id", async () => {
    const rsa = await importBlob(byokCiphertext(kek.publicJwk, pkcs8(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey)), { kty: "RSA" });
    const aes = await importBlob(byokCiphertext(kek.publicJwk, randomBytes(32)), { kty: "oct" });
    for (const [key, objects] of [[rsa, 2], [aes, 1]] as const) {
      const handles = token.objectsWithId(key.id);
      expect(handles).toHaveLength(objects);
      for (const handle of handles) {
        expect(token.flag(handle, pkcs11js.CKA_TOKEN)).toBe(true);
        if (!token.flag(handle, pkcs11js.CKA_PRIVATE)) continue; // the public half
        expect(token.flag(handle, pkcs11js.CKA_SENSITIVE)).toBe(true);
        expect(token.flag(handle, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
        // PKCS#11 C_UnwrapKey: an unwrapped key was outside this token once, so these two are false, as for import.
        expect(token.flag(handle, pkcs11js.CKA_ALWAYS_SENSITIVE)).toBe(false);
        expect(token.flag(handle, pkcs11js.CKA_NEVER_EXTRACTABLE)).toBe(false);
      }
    }
  });

  it("honours an idempotency key: the repeat gets the first key and creates nothing", async () => {
    const body = { ciphertext: b64(byokCiphertext(kek.publicJwk, randomBytes(16))), target: { kty: "oct" } };
    const idempotencyKey = randomUUID();
    const first = await rawCall({ method: "POST", path: `/keys/${kek.id}/import-byok`, body, idempotencyKey });
    const before = token.tokenObjectCount();
    const second = await rawCall({ method: "POST", path: `/keys/${kek.id}/import-byok`, body, idempotencyKey });
    expect(first.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(token.tokenObjectCount()).toBe(before);
  });
});

describe("refused BYOK blobs", () => {
  const rsaKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const p256Key = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
  const rsaBlob = () => byokCiphertext(kek.publicJwk, pkcs8(rsaKey));
  const p256Blob = () => byokCiphertext(kek.publicJwk, pkcs8(p256Key));
  const flip = (blob: Buffer, at: number) => {
    const copy = Buffer.from(blob);
    const index = at < 0 ? copy.length + at : at;
    copy[index] = (copy[index] ?? 0) ^ 0x01;
    return copy;
  };

  const cases: ReadonlyArray<{ name: string; blob: () => Buffer; target: ByokTarget; otherKek?: boolean }> = [
    { name: "a flipped bit in the RSA-OAEP part", blob: () => flip(rsaBlob(), 10), target: { kty: "RSA" } },
    { name: "a flipped bit in the AES-KWP part", blob: () => flip(p256Blob(), -3), target: { kty: "EC", curve: "P-256" } },
    { name: "a blob made for another KEK", blob: rsaBlob, target: { kty: "RSA" }, otherKek: true },
    { name: "an RSA key declared EC", blob: rsaBlob, target: { kty: "EC", curve: "P-256" } },
    { name: "an EC key declared RSA", blob: p256Blob, target: { kty: "RSA" } },
    { name: "a P-256 key declared P-384", blob: p256Blob, target: { kty: "EC", curve: "P-384" } },
    { name: "a P-256 key declared oct", blob: p256Blob, target: { kty: "oct" } },
    { name: "an AES key declared RSA", blob: () => byokCiphertext(kek.publicJwk, randomBytes(32)), target: { kty: "RSA" } },
    { name: "20 bytes declared oct (not an AES size)", blob: () => byokCiphertext(kek.publicJwk, randomBytes(20)), target: { kty: "oct" } },
    { name: "an RSA key whose private exponents are wrong", blob: () => byokCiphertext(kek.publicJwk, inconsistentRsaPkcs8()), target: { kty: "RSA" } },
    { name: "an RSA-1024 key (not a size Azure allows)", blob: () => byokCiphertext(kek.publicJwk, pkcs8(generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey)), target: { kty: "RSA" } },
    { name: "a blob cut by one semiblock", blob: () => rsaBlob().subarray(0, -8), target: { kty: "RSA" } },
    { name: "a blob cut by one byte", blob: () => rsaBlob().subarray(0, -1), target: { kty: "RSA" } },
    { name: "only the RSA-OAEP part", blob: () => rsaBlob().subarray(0, 256), target: { kty: "RSA" } },
    { name: "less than the RSA-OAEP part", blob: () => rsaBlob().subarray(0, 100), target: { kty: "RSA" } },
  ];

  it.each(cases)("$name: 400 'decryption failed', nothing made", async ({ blob, target, otherKek }) => {
    const kekId = otherKek === true ? (await client.generateKey({ kty: "RSA", size: 2048 })).id : kek.id;
    const before = token.tokenObjectCount();
    const answer = await rawCall({ method: "POST", path: `/keys/${kekId}/import-byok`, body: { ciphertext: b64(blob()), target }, idempotencyKey: randomUUID() });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: { code: "BadParameter", message: "decryption failed" } });
    expect(token.tokenObjectCount()).toBe(before);
  });

  it("refuses a KEK that is not RSA (EC or oct) with its own 400", async () => {
    for (const request of [{ kty: "EC", curve: "P-256" }, { kty: "oct", size: 256 }] as const) {
      const other = await client.generateKey(request);
      const error = await expectBridgeError(client.importByok(other.id, { ciphertext: b64(rsaBlob()), target: { kty: "RSA" } }), "BadParameter", 400);
      expect(error.message).toMatch(/RSA/);
    }
  });

  it("answers an unknown KEK 404 and a malformed request 400 naming the field", async () => {
    await expectBridgeError(client.importByok(b64(randomBytes(16)), { ciphertext: b64(rsaBlob()), target: { kty: "RSA" } }), "KeyNotFound", 404);
    for (const body of [
      { ciphertext: b64(rsaBlob()) },
      { ciphertext: b64(rsaBlob()), target: { kty: "EC" } },
      { ciphertext: b64(rsaBlob()), target: { kty: "RSA-HSM" } },
      { ciphertext: "not base64url!", target: { kty: "RSA" } },
    ]) {
      const answer = await rawCall({ method: "POST", path: `/keys/${kek.id}/import-byok`, body, idempotencyKey: randomUUID() });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: "BadParameter", message: expect.stringMatching(/target|curve|kty|ciphertext/) } });
    }
  });
});

/**
 * A well-formed PKCS#8 RSA key whose d and dp are both off by two: OpenSSL encodes it and the token stores it, but
 * its signatures fail (a wrong dp alone would not show: OpenSSL checks a CRT result and redoes it with d).
 */
function inconsistentRsaPkcs8(): Buffer {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const plusTwo = (value: string | undefined, bytes: number) => {
    const next = BigInt(`0x${Buffer.from(value ?? "", "base64url").toString("hex")}`) + 2n;
    return Buffer.from(next.toString(16).padStart(2 * bytes, "0"), "hex").toString("base64url");
  };
  const key = createPrivateKey({ key: { ...jwk, d: plusTwo(jwk.d, 256), dp: plusTwo(jwk.dp, 128) }, format: "jwk" });
  return pkcs8(key);
}

function pick(jwk: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, jwk[name]]));
}
