/**
 * POST /keys/{id}/sign for every algorithm, each signature checked by node:crypto with the public key the bridge
 * returned: the bridge signs a digest, node verifies the message it came from (Azure Keys – Sign semantics).
 */
import { constants, createHash, publicDecrypt, randomBytes, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { BridgeClient, EcCurve, KeyInfo, SignAlgorithm } from "../../core/hsm/bridge-client/index.ts";
import { b64, bytesOf, hmacClient } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { nodePublicKey } from "./support/node-keys.ts";

type NodeHash = "sha256" | "sha384" | "sha512";

const RSA_CASES: ReadonlyArray<{ alg: SignAlgorithm; hash: NodeHash; pss: boolean }> = [
  { alg: "RS256", hash: "sha256", pss: false },
  { alg: "RS384", hash: "sha384", pss: false },
  { alg: "RS512", hash: "sha512", pss: false },
  { alg: "PS256", hash: "sha256", pss: true },
  { alg: "PS384", hash: "sha384", pss: true },
  { alg: "PS512", hash: "sha512", pss: true },
];

const EC_CASES: ReadonlyArray<{ alg: SignAlgorithm; hash: NodeHash; curve: EcCurve; bytes: number }> = [
  { alg: "ES256", hash: "sha256", curve: "P-256", bytes: 32 },
  { alg: "ES384", hash: "sha384", curve: "P-384", bytes: 48 },
  { alg: "ES512", hash: "sha512", curve: "P-521", bytes: 66 },
  { alg: "ES256K", hash: "sha256", curve: "P-256K", bytes: 32 },
];

let client: BridgeClient;
const rsaKeys = new Map<number, KeyInfo>();
const ecKeys = new Map<EcCurve, KeyInfo>();

beforeAll(async () => {
  client = await hmacClient();
  for (const size of [2048, 3072] as const) rsaKeys.set(size, await client.generateKey({ kty: "RSA", size }));
  for (const { curve } of EC_CASES) ecKeys.set(curve, await client.generateKey({ kty: "EC", curve }));
});

describe("RSA signatures", () => {
  for (const size of [2048, 3072]) {
    it.each(RSA_CASES)(`$alg with RSA-${size} verifies with node:crypto`, async ({ alg, hash, pss }) => {
      const key = known(rsaKeys.get(size));
      const message = randomBytes(100);
      const digest = createHash(hash).update(message).digest();
      const { signature } = await client.sign(key.id, { alg, digest: b64(digest) });
      const bytes = bytesOf(signature);
      expect(bytes).toHaveLength(size / 8);
      const publicKey = nodePublicKey(publicOf(key));
      // RFC 7518 §3.5: PSS salt as long as the hash; node checks the salt length it is given.
      const options = pss
        ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }
        : { key: publicKey, padding: constants.RSA_PKCS1_PADDING };
      expect(verify(hash, message, options, bytes)).toBe(true);
      expect(verify(hash, randomBytes(100), options, bytes)).toBe(false);
    });
  }

  it("PSS signatures are randomized (fresh salt), PKCS#1 v1.5 ones deterministic", async () => {
    const key = known(rsaKeys.get(2048));
    const digest = b64(randomBytes(32));
    const pss = await Promise.all([1, 2].map(() => client.sign(key.id, { alg: "PS256", digest })));
    expect(pss[0]?.signature).not.toBe(pss[1]?.signature);
    const pkcs1 = await Promise.all([1, 2].map(() => client.sign(key.id, { alg: "RS256", digest })));
    expect(pkcs1[0]?.signature).toBe(pkcs1[1]?.signature);
  });

  it("RSNULL pads the caller's bytes with no DigestInfo (node's public decrypt gives them back)", async () => {
    const key = known(rsaKeys.get(2048));
    const data = randomBytes(36); // e.g. MD5‖SHA-1 for TLS 1.1
    const { signature } = await client.sign(key.id, { alg: "RSNULL", digest: b64(data) });
    const recovered = publicDecrypt({ key: nodePublicKey(publicOf(key)), padding: constants.RSA_PKCS1_PADDING }, bytesOf(signature));
    expect(recovered.equals(data)).toBe(true);
    await expectBridgeError(client.sign(key.id, { alg: "RSNULL", digest: b64(randomBytes(2048 / 8 - 10)) }), "BadParameter", 400);
  });
});

describe("ECDSA signatures", () => {
  it.each(EC_CASES)("$alg on $curve gives r‖s that node:crypto verifies", async ({ alg, hash, curve, bytes }) => {
    const key = known(ecKeys.get(curve));
    const message = randomBytes(64);
    const digest = createHash(hash).update(message).digest();
    const { signature } = await client.sign(key.id, { alg, digest: b64(digest) });
    const raw = bytesOf(signature);
    expect(raw).toHaveLength(2 * bytes); // RFC 7518 §3.4: fixed-width r‖s, not DER
    const publicKey = { key: nodePublicKey(publicOf(key)), dsaEncoding: "ieee-p1363" as const };
    expect(verify(hash, message, publicKey, raw)).toBe(true);
    expect(verify(hash, Buffer.concat([message, Buffer.from([0])]), publicKey, raw)).toBe(false);
  });
});

describe("input checks (docs/decisions.md §6.3)", () => {
  it("refuses a digest of the wrong length for the algorithm", async () => {
    await expectBridgeError(client.sign(known(rsaKeys.get(2048)).id, { alg: "RS256", digest: b64(randomBytes(48)) }), "BadParameter", 400);
    await expectBridgeError(client.sign(known(ecKeys.get("P-384")).id, { alg: "ES384", digest: b64(randomBytes(32)) }), "BadParameter", 400);
  });

  it("refuses an algorithm that does not fit the key's type or curve", async () => {
    const digest = b64(randomBytes(32));
    await expectBridgeError(client.sign(known(ecKeys.get("P-256")).id, { alg: "RS256", digest }), "BadParameter", 400);
    await expectBridgeError(client.sign(known(rsaKeys.get(2048)).id, { alg: "ES256", digest }), "BadParameter", 400);
    await expectBridgeError(client.sign(known(ecKeys.get("P-384")).id, { alg: "ES256", digest }), "BadParameter", 400);
    await expectBridgeError(client.sign(known(ecKeys.get("P-256")).id, { alg: "ES256K", digest }), "BadParameter", 400);
    const aes = await client.generateKey({ kty: "oct", size: 256 });
    await expectBridgeError(client.sign(aes.id, { alg: "PS256", digest }), "BadParameter", 400);
  });

  it("refuses unknown algorithms and non-base64url digests", async () => {
    const id = known(ecKeys.get("P-256")).id;
    await expectBridgeError(client.sign(id, { alg: "EdDSA" as SignAlgorithm, digest: b64(randomBytes(32)) }), "BadParameter", 400);
    await expectBridgeError(client.sign(id, { alg: "ES256", digest: "not+base64/=" }), "BadParameter", 400);
  });
});

function known(key: KeyInfo | undefined): KeyInfo {
  if (key === undefined) throw new Error("key not generated");
  return key;
}

function publicOf(key: KeyInfo) {
  if (key.kty === "oct") throw new Error("no public key");
  return key.publicJwk;
}
