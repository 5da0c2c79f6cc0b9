/**
 * BYOK (Azure "Bring your own key specification") through the official KeyClient: an RSA-HSM key exchange key with
 * key_ops ["import"], its public key downloaded, a key transfer blob built here with node:crypto alone (RSA-OAEP-SHA1
 * of an ephemeral AES key ‖ AES key wrap with padding, RFC 5649, of the target), sent as `key_hsm` (the SDK's `t`).
 * The imported key is proven to be the target by signing in the token and verifying with the target's public key.
 */
import { constants, createCipheriv, createDecipheriv, generateKeyPairSync, publicEncrypt, randomBytes, verify as nodeVerify, type KeyObject } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { CryptoHarness } from "./support/crypto-clients.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, publicKeyOf } from "./support/jwk.ts";
import { SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";
import { b64u, RawVault } from "./support/raw-vault.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const keys = new KeyClient(facts.vaultUrl, credential);
const harness = new CryptoHarness(credential);

/** RFC 5649 §3: the alternative initial value's constant half. */
const KWP_AIV = Buffer.from("a65959a6", "hex");

/** The `.byok` file for `target` (PKCS#8 DER, or raw AES bytes) under the KEK, per the spec's JSON serialization. */
function transferBlob(kek: KeyVaultKey, target: Uint8Array, kid = kek.id ?? ""): Uint8Array {
  const aes = randomBytes(32);
  const wrappedAes = publicEncrypt({ key: publicKeyOf(kek.key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, aes);
  const kwp = createCipheriv("id-aes256-wrap-pad", aes, KWP_AIV);
  const wrappedTarget = Buffer.concat([kwp.update(target), kwp.final()]);
  const blob = {
    schema_version: "1.0.0",
    header: { kid, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" },
    ciphertext: Buffer.concat([wrappedAes, wrappedTarget]).toString("base64url"),
    generator: "edge-vault conformance test; node:crypto",
  };
  return Buffer.from(JSON.stringify(blob));
}

const pkcs8 = (key: KeyObject): Buffer => key.export({ format: "der", type: "pkcs8" });

describe("BYOK import", () => {
  let kek: KeyVaultKey;

  beforeAll(async () => {
    expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
    kek = await keys.createRsaKey(uniqueName("kek"), { hsm: true, keySize: 2048, keyOps: ["import"] });
  }, SLOW);

  it("the KEK is an RSA-HSM key whose only operation is import", () => {
    expect(kek.keyType).toBe("RSA-HSM");
    expect(kek.keyOperations).toEqual(["import"]);
  });

  it("imports an RSA target: the token signs as the target key", async () => {
    const target = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const imported = await keys.importKey(uniqueName("byok-rsa"), { kty: "RSA-HSM", keyOps: ["sign", "verify"], t: transferBlob(kek, pkcs8(target.privateKey)) });
    expect(imported.keyType).toBe("RSA-HSM");
    expect(imported.keyOperations).toEqual(["sign", "verify"]);
    expect(Buffer.from(imported.key?.n ?? []).equals(Buffer.from(target.publicKey.export({ format: "jwk" }).n ?? "", "base64url"))).toBe(true);
    const signed = await harness.remoteOnly(imported).sign("PS256", digest("sha256", "byok rsa"));
    expect(nodeVerify("sha256", Buffer.from("byok rsa"), { key: target.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signed.result)).toBe(true);
  });

  it.each([
    ["P-256", "prime256v1", "ES256", "sha256"],
    ["P-384", "secp384r1", "ES384", "sha384"],
    ["P-256K", "secp256k1", "ES256K", "sha256"],
  ] as const)("imports an EC %s target", async (crv, namedCurve, alg, hash) => {
    const target = generateKeyPairSync("ec", { namedCurve });
    const imported = await keys.importKey(uniqueName("byok-ec"), { kty: "EC-HSM", crv, t: transferBlob(kek, pkcs8(target.privateKey)) });
    expect(imported.keyType).toBe("EC-HSM");
    expect(imported.key?.crv).toBe(crv);
    const signed = await harness.remoteOnly(imported).sign(alg, digest(hash, `byok ${crv}`));
    expect(nodeVerify(hash, Buffer.from(`byok ${crv}`), { key: target.publicKey, dsaEncoding: "ieee-p1363" }, signed.result)).toBe(true);
  });

  it("imports an AES-256 target: the token encrypts what node:crypto decrypts with the target", async () => {
    const secret = randomBytes(32);
    const imported = await keys.importKey(uniqueName("byok-oct"), { kty: "oct-HSM", t: transferBlob(kek, secret) });
    expect(imported.keyType).toBe("oct-HSM");
    const sealed = await harness.remoteOnly(imported).encrypt({ algorithm: "A256GCM", plaintext: Buffer.from("byok aes") });
    const decipher = createDecipheriv("aes-256-gcm", secret, sealed.iv ?? new Uint8Array());
    decipher.setAuthTag(sealed.authenticationTag ?? new Uint8Array());
    expect(Buffer.concat([decipher.update(sealed.result), decipher.final()]).toString()).toBe("byok aes");
  });

  it("refuses a tampered blob, a wrong declared type and a foreign KEK alike, and creates nothing", async () => {
    const target = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const good = JSON.parse(Buffer.from(transferBlob(kek, pkcs8(target.privateKey))).toString()) as { ciphertext: string };
    const bytes = Buffer.from(good.ciphertext, "base64url");
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0x40;
    const tampered = Buffer.from(JSON.stringify({ ...good, ciphertext: bytes.toString("base64url") }));

    const name = uniqueName("byok-bad");
    const messages = new Set<string>();
    for (const t of [tampered, transferBlob(kek, pkcs8(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey))]) {
      const failure = await expectRestError(keys.importKey(name, { kty: "EC-HSM", crv: "P-256", t }), { statusCode: 400, code: "BadParameter" });
      messages.add(failure.message);
    }
    expect(messages.size, [...messages].join(" | ")).toBe(1);
    await expectRestError(keys.getKey(name), { statusCode: 404, code: "KeyNotFound" });

    const other = await keys.createRsaKey(uniqueName("not-kek"), { hsm: true, keySize: 2048 });
    const wrongKek = await expectRestError(keys.importKey(name, { kty: "EC-HSM", crv: "P-256", t: transferBlob(other, pkcs8(target.privateKey)) }), {
      statusCode: 400,
      code: "BadParameter",
    });
    expect(wrongKek.message).toContain("exactly ['import']");
    const foreign = transferBlob(kek, pkcs8(target.privateKey), (kek.id ?? "").replace("//dev.", "//elsewhere."));
    await expectRestError(keys.importKey(name, { kty: "EC-HSM", crv: "P-256", t: foreign }), { statusCode: 400, code: "BadParameter" });
    await expectRestError(keys.getKey(name), { statusCode: 404, code: "KeyNotFound" });
  }, SLOW);

  it("the KEK itself signs nothing: its key_ops allow import only (the server says so, not only the SDK)", async () => {
    const answer = await new RawVault(facts).call("POST", `${new URL(kek.id ?? "").pathname}/sign`, { alg: "RS256", value: b64u(digest("sha256", "no")) });
    expect([answer.status, answer.json.error?.code]).toEqual([403, "Forbidden"]);
  });
});

/** RFC 5649 round trip in node:crypto itself, so a blob mistake here is not blamed on the server. */
describe("the test's own AES-KWP", () => {
  it("unwraps what it wraps (node:crypto id-aes256-wrap-pad)", () => {
    const aes = randomBytes(32);
    const data = randomBytes(37);
    const wrap = createCipheriv("id-aes256-wrap-pad", aes, KWP_AIV);
    const wrapped = Buffer.concat([wrap.update(data), wrap.final()]);
    const unwrap = createDecipheriv("id-aes256-wrap-pad", aes, KWP_AIV);
    expect(Buffer.concat([unwrap.update(wrapped), unwrap.final()]).equals(data)).toBe(true);
  });
});
