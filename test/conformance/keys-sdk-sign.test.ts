/**
 * CryptographyClient sign and verify against the server, every signature algorithm, each result checked by
 * node:crypto (OpenSSL, independent of the workerd/noble code that made it), and the reverse: signatures
 * node:crypto made with an imported private key must verify through the server. The request log records
 * which operations the SDK sent and which it ran locally.
 */
import {
  constants,
  createHmac,
  generateKeyPairSync,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient, type KeyVaultKey, type SignatureAlgorithm } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { CryptoHarness, expectLocal, expectServed, operations } from "./support/crypto-clients.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, octJwk, publicKeyOf, toVaultJwk, type HashName } from "./support/jwk.ts";
import { POLL, SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const keys = new KeyClient(facts.vaultUrl, credential);
const harness = new CryptoHarness(credential);
const log = harness.log;

const ALL_OPS = ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"] as const;

interface RsaCase {
  readonly alg: SignatureAlgorithm;
  readonly hash: HashName;
  readonly pss: boolean;
}

const RSA_CASES: readonly RsaCase[] = [
  { alg: "RS256", hash: "sha256", pss: false },
  { alg: "RS384", hash: "sha384", pss: false },
  { alg: "RS512", hash: "sha512", pss: false },
  { alg: "PS256", hash: "sha256", pss: true },
  { alg: "PS384", hash: "sha384", pss: true },
  { alg: "PS512", hash: "sha512", pss: true },
];

const HASH_BYTES: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48, sha512: 64 };

/** PKCS#1 v1.5, or PSS with MGF1 of the same hash and a salt as long as the hash (what Key Vault uses). */
function rsaKey(key: KeyObject, c: RsaCase) {
  return c.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[c.hash] } : { key };
}

function flipped(bytes: Uint8Array, index = 0): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe("RSA signatures", () => {
  let generated: KeyVaultKey;
  let imported: KeyVaultKey;
  let pair: { publicKey: KeyObject; privateKey: KeyObject };

  beforeAll(async () => {
    generated = await keys.createRsaKey(uniqueName("sign-rsa"), { keySize: 2048 });
    pair = generateKeyPairSync("rsa", { modulusLength: 3072 });
    imported = await keys.importKey(uniqueName("sign-rsa-import"), {
      ...toVaultJwk(pair.privateKey.export({ format: "jwk" })),
      keyOps: [...ALL_OPS],
    });
  }, SLOW);

  describe.each(RSA_CASES)("$alg", (c) => {
    it("signs a digest remotely; node:crypto verifies the signature", async () => {
      const data = randomBytes(300);
      const { result: signed, requests } = await log.during(() => harness.byId(generated).sign(c.alg, digest(c.hash, data)));
      expectServed(requests, "sign");
      expect(signed.algorithm).toBe(c.alg);
      expect(signed.keyID).toBe(generated.id);
      expect(signed.result).toHaveLength(256);
      expect(nodeVerify(c.hash, data, rsaKey(publicKeyOf(generated.key), c), signed.result)).toBe(true);
      // A signature over other data does not verify: node:crypto is really checking.
      expect(nodeVerify(c.hash, randomBytes(300), rsaKey(publicKeyOf(generated.key), c), signed.result)).toBe(false);
    });

    it("verifies its own signature remotely, and refuses a tampered one with false", async () => {
      const client = harness.byId(generated);
      const d = digest(c.hash, randomBytes(64));
      const signed = await client.sign(c.alg, d);
      const { result: good, requests } = await log.during(() => client.verify(c.alg, d, signed.result));
      expectServed(requests, "verify");
      expect(good.result).toBe(true);
      expect(good.keyID).toBe(generated.id);
      expect((await client.verify(c.alg, d, flipped(signed.result, 100))).result).toBe(false);
      expect((await client.verify(c.alg, flipped(d), signed.result)).result).toBe(false);
    });

    it("signs with an imported private key as node:crypto does", async () => {
      const data = randomBytes(200);
      const signed = await harness.byId(imported).sign(c.alg, digest(c.hash, data));
      expect(signed.result).toHaveLength(384);
      expect(nodeVerify(c.hash, data, rsaKey(pair.publicKey, c), signed.result)).toBe(true);
      if (!c.pss) {
        // PKCS#1 v1.5 is deterministic: byte for byte what OpenSSL makes with the same key.
        expect(Buffer.from(signed.result).equals(nodeSign(c.hash, data, pair.privateKey))).toBe(true);
      }
    });

    it("verifies through the server a signature node:crypto made", async () => {
      const data = randomBytes(200);
      const signature = nodeSign(c.hash, data, rsaKey(pair.privateKey, c));
      const client = harness.byId(imported);
      const { result: verified, requests } = await log.during(() => client.verify(c.alg, digest(c.hash, data), signature));
      expectServed(requests, "verify");
      expect(verified.result).toBe(true);
      expect((await client.verify(c.alg, digest(c.hash, data), flipped(signature, 7))).result).toBe(false);

      // verifyData on the same client: the SDK checks RS*/PS* locally with the public key, sending nothing.
      // @azure/keyvault-keys 4.10.2 verifies PS* there with node's default padding, PKCS#1 v1.5
      // (RsaCryptographyProvider.verifyData → createVerify("SHA256")), so a valid PSS signature comes out
      // false without the server being asked: an SDK defect, asserted as observed.
      const local = await log.during(() => client.verifyData(c.alg, data, signature));
      expectLocal(local.requests);
      expect(local.result.result).toBe(!c.pss);
      // The material-less client has to ask the server, hashing the data itself.
      const remote = await log.during(() => harness.remoteOnly(imported).verifyData(c.alg, data, signature));
      expectServed(remote.requests, "verify");
      expect(remote.result.result).toBe(true);
    });
  });

  describe("RSNULL", () => {
    it("signs raw bytes with PKCS#1 v1.5 type 1 padding and no DigestInfo", async () => {
      // RSNULL signs whatever it is given (TLS 1.0-style MD5||SHA-1, here 36 random octets).
      const value = randomBytes(36);
      const { result: signed, requests } = await log.during(() => harness.byId(generated).sign("RSNULL", value));
      expectServed(requests, "sign");
      expect(signed.result).toHaveLength(256);
      const recovered = publicDecrypt({ key: publicKeyOf(generated.key), padding: constants.RSA_PKCS1_PADDING }, signed.result);
      expect(recovered.toString("hex")).toBe(value.toString("hex"));

      const byImported = await harness.byId(imported).sign("RSNULL", value);
      const expected = privateEncrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING }, value);
      expect(Buffer.from(byImported.result).toString("hex")).toBe(expected.toString("hex"));
    });

    it("verifies a node:crypto RSNULL signature through the server", async () => {
      const value = randomBytes(32);
      const signature = privateEncrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING }, value);
      const client = harness.byId(imported);
      const { result: verified, requests } = await log.during(() => client.verify("RSNULL", value, signature));
      expectServed(requests, "verify");
      expect(verified.result).toBe(true);
      expect((await client.verify("RSNULL", flipped(value), signature)).result).toBe(false);
    });
  });
});

describe("EC signatures", () => {
  const CURVES = [
    { alg: "ES256", crv: "P-256", nodeCurve: "prime256v1", hash: "sha256", size: 64 },
    { alg: "ES384", crv: "P-384", nodeCurve: "secp384r1", hash: "sha384", size: 96 },
    { alg: "ES512", crv: "P-521", nodeCurve: "secp521r1", hash: "sha512", size: 132 },
    { alg: "ES256K", crv: "P-256K", nodeCurve: "secp256k1", hash: "sha256", size: 64 },
  ] as const;

  describe.each(CURVES)("$alg on $crv", (c) => {
    let generated: KeyVaultKey;
    let imported: KeyVaultKey;
    let pair: { publicKey: KeyObject; privateKey: KeyObject };

    beforeAll(async () => {
      generated = await keys.createEcKey(uniqueName("sign-ec"), { curve: c.crv });
      pair = generateKeyPairSync("ec", { namedCurve: c.nodeCurve });
      imported = await keys.importKey(uniqueName("sign-ec-import"), {
        ...toVaultJwk(pair.privateKey.export({ format: "jwk" })),
        keyOps: ["sign", "verify"],
      });
    });

    it("signs remotely a raw r||s signature node:crypto verifies", async () => {
      const data = randomBytes(150);
      const { result: signed, requests } = await log.during(() => harness.byId(generated).sign(c.alg, digest(c.hash, data)));
      expectServed(requests, "sign");
      expect(signed.algorithm).toBe(c.alg);
      expect(signed.result).toHaveLength(c.size);
      const key = { key: publicKeyOf(generated.key), dsaEncoding: "ieee-p1363" as const };
      expect(nodeVerify(c.hash, data, key, signed.result)).toBe(true);
      expect(nodeVerify(c.hash, randomBytes(150), key, signed.result)).toBe(false);

      const byImported = await harness.byId(imported).sign(c.alg, digest(c.hash, data));
      expect(nodeVerify(c.hash, data, { key: pair.publicKey, dsaEncoding: "ieee-p1363" }, byImported.result)).toBe(true);
    });

    it("verifies through the server a signature node:crypto made, and refuses a tampered one", async () => {
      const data = randomBytes(150);
      const signature = nodeSign(c.hash, data, { key: pair.privateKey, dsaEncoding: "ieee-p1363" });
      const client = harness.byId(imported);
      const { result: verified, requests } = await log.during(() => client.verify(c.alg, digest(c.hash, data), signature));
      expectServed(requests, "verify");
      expect(verified.result).toBe(true);
      expect((await client.verify(c.alg, digest(c.hash, data), flipped(signature, 3))).result).toBe(false);
      expect((await client.verify(c.alg, digest(c.hash, randomBytes(8)), signature)).result).toBe(false);

      // The SDK has no local EC provider: verifyData is sent, as a digest, even from the client that has the key.
      const viaData = await log.during(() => client.verifyData(c.alg, data, signature));
      expectServed(viaData.requests, "verify");
      expect(viaData.result.result).toBe(true);
    });

    it("verifies its own signature remotely", async () => {
      const client = harness.byId(generated);
      const d = digest(c.hash, randomBytes(20));
      const signed = await client.sign(c.alg, d);
      expect((await client.verify(c.alg, d, signed.result)).result).toBe(true);
    });
  });
});

describe("HMAC signatures on an imported oct key", () => {
  const CASES = [
    { alg: "HS256", hash: "sha256" },
    { alg: "HS384", hash: "sha384" },
    { alg: "HS512", hash: "sha512" },
  ] as const;
  const secret = randomBytes(32);
  let key: KeyVaultKey;

  beforeAll(async () => {
    key = await keys.importKey(uniqueName("hmac"), { ...octJwk(secret), keyOps: ["sign", "verify"] });
  });

  it.each(CASES)("$alg signs the digest with HMAC, as node:crypto computes it", async (c) => {
    const d = digest(c.hash, randomBytes(99));
    const { result: signed, requests } = await log.during(() => harness.byId(key).sign(c.alg, d));
    expectServed(requests, "sign");
    expect(signed.algorithm).toBe(c.alg);
    const expected = createHmac(c.hash, secret).update(d).digest();
    expect(Buffer.from(signed.result).toString("hex")).toBe(expected.toString("hex"));
  });

  it.each(CASES)("$alg verifies through the server an HMAC node:crypto made", async (c) => {
    const d = digest(c.hash, randomBytes(99));
    const mac = createHmac(c.hash, secret).update(d).digest();
    const client = harness.byId(key);
    const { result: verified, requests } = await log.during(() => client.verify(c.alg, d, mac));
    expectServed(requests, "verify");
    expect(verified.result).toBe(true);
    expect((await client.verify(c.alg, d, flipped(mac, 5))).result).toBe(false);
  });
});

describe("sign and verify errors", () => {
  it("refuses to sign with a disabled key: 403 Forbidden", async () => {
    const key = await keys.createEcKey(uniqueName("sign-disabled"), { curve: "P-256" });
    await keys.updateKeyProperties(key.name, key.properties.version ?? "", { enabled: false });
    const d = digest("sha256", "disabled");
    // Through both clients: the one built from the id, and the one that goes straight to POST …/sign.
    const byId = await log.during(() => expectRestError(harness.byId(key).sign("ES256", d), { statusCode: 403, code: "Forbidden" }));
    expect(operations(byId.requests).every((call) => call === "GET key" || call === "POST sign")).toBe(true);
    const direct = await log.during(() => expectRestError(harness.remoteOnly(key).sign("ES256", d), { statusCode: 403, code: "Forbidden" }));
    expect(operations(direct.requests)).toEqual(["POST sign"]);
    expect(direct.requests[0]?.status).toBe(403);
  });

  it("refuses a digest of the wrong length: 400 BadParameter", async () => {
    const rsa = await keys.createRsaKey(uniqueName("sign-bad-digest"), { keySize: 2048 });
    // RS256 signs a SHA-256 digest: 32 octets, not 20 (SHA-1) or 48.
    await expectRestError(harness.byId(rsa).sign("RS256", randomBytes(20)), { statusCode: 400, code: "BadParameter" });
    await expectRestError(harness.byId(rsa).sign("PS256", randomBytes(48)), { statusCode: 400, code: "BadParameter" });
    const ec = await keys.createEcKey(uniqueName("sign-bad-digest-ec"), { curve: "P-256" });
    await expectRestError(harness.byId(ec).sign("ES256", randomBytes(48)), { statusCode: 400, code: "BadParameter" });
  }, SLOW);

  it("reports a key that does not exist as 404 KeyNotFound", async () => {
    const missing = `${facts.vaultUrl}/keys/${uniqueName("sign-missing")}/${"0".repeat(32)}`;
    await expectRestError(new CryptographyClient(missing, credential).sign("ES256", randomBytes(32)), { statusCode: 404, code: "KeyNotFound" });
  });

  it("answers POST …/sign on a purged key with 404 KeyNotFound", async () => {
    const key = await keys.createEcKey(uniqueName("sign-purged"), { curve: "P-256" });
    await (await keys.beginDeleteKey(key.name, POLL)).pollUntilDone();
    await keys.purgeDeletedKey(key.name);
    const { requests } = await log.during(() =>
      expectRestError(harness.remoteOnly(key).sign("ES256", randomBytes(32)), { statusCode: 404, code: "KeyNotFound" }),
    );
    expect(operations(requests)).toEqual(["POST sign"]);
  });
});
