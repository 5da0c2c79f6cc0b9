/**
 * HSM keys (docs/decisions.md §4) through the official SDKs: a premium vault creates RSA-HSM, EC-HSM and oct-HSM keys
 * in the SoftHSM2 token behind the PKCS#11 bridge, and every private-key operation the server performs is checked by
 * node:crypto — signatures verified with the public key the server published, ciphertexts made by node:crypto
 * decrypted by the server, AES results made by the server opened by node:crypto with the key the test imported.
 */
import { constants, createCipheriv, createDecipheriv, generateKeyPairSync, publicEncrypt, randomBytes, verify as nodeVerify } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { CryptoHarness } from "./support/crypto-clients.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, octJwk, publicKeyOf, toVaultJwk } from "./support/jwk.ts";
import { POLL, SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const keys = new KeyClient(facts.vaultUrl, credential);
const harness = new CryptoHarness(credential);

beforeAll(() => {
  // No silent skip: CI installs softhsm2, and without it these keys cannot exist.
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

/** JWS ECDSA signatures are r ‖ s (RFC 7518 §3.4), node:crypto's "ieee-p1363". */
function ecdsaVerify(key: KeyVaultKey, hash: "sha256" | "sha384" | "sha512", data: string, signature: Uint8Array): boolean {
  return nodeVerify(hash, Buffer.from(data), { key: publicKeyOf(key.key), dsaEncoding: "ieee-p1363" }, signature);
}

describe("RSA-HSM", () => {
  let key: KeyVaultKey;

  beforeAll(async () => {
    key = await keys.createRsaKey(uniqueName("hsm-rsa"), { hsm: true, keySize: 2048 });
  }, SLOW);

  it("is created as RSA-HSM with the HSM's platform and a 2048-bit public key", () => {
    expect(key.keyType).toBe("RSA-HSM");
    expect(key.properties.hsmPlatform).toBe("0"); // SoftHSM2 is a software token
    expect(key.key?.n?.length).toBe(256);
    expect(key.keyOperations).toEqual(["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]);
  });

  it.each(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] as const)("signs a digest with %s in the token; node:crypto verifies", async (alg) => {
    const hash = `sha${alg.slice(2)}` as "sha256" | "sha384" | "sha512";
    const message = `hsm ${alg} ${randomBytes(8).toString("hex")}`;
    const signed = await harness.remoteOnly(key).sign(alg, digest(hash, message));
    const pss = alg.startsWith("PS");
    const verifyKey = pss
      ? { key: publicKeyOf(key.key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest(hash, "").length }
      : publicKeyOf(key.key);
    expect(nodeVerify(hash, Buffer.from(message), verifyKey, signed.result)).toBe(true);
    // And the server verifies its own signature, and refuses a changed one.
    expect((await harness.remoteOnly(key).verify(alg, digest(hash, message), signed.result)).result).toBe(true);
    const changed = Uint8Array.from(signed.result);
    changed[0] = (changed[0] ?? 0) ^ 1;
    expect((await harness.remoteOnly(key).verify(alg, digest(hash, message), changed)).result).toBe(false);
  });

  it.each([
    ["RSA1_5", constants.RSA_PKCS1_PADDING, undefined],
    ["RSA-OAEP", constants.RSA_PKCS1_OAEP_PADDING, "sha1"],
    ["RSA-OAEP-256", constants.RSA_PKCS1_OAEP_PADDING, "sha256"],
  ] as const)("decrypts %s ciphertext node:crypto made", async (alg, padding, oaepHash) => {
    const plaintext = randomBytes(32);
    const ciphertext = publicEncrypt({ key: publicKeyOf(key.key), padding, ...(oaepHash === undefined ? {} : { oaepHash }) }, plaintext);
    const decrypted = await harness.remoteOnly(key).decrypt({ algorithm: alg, ciphertext });
    expect(Buffer.from(decrypted.result).equals(plaintext)).toBe(true);
    const unwrapped = await harness.remoteOnly(key).unwrapKey(alg, ciphertext);
    expect(Buffer.from(unwrapped.result).equals(plaintext)).toBe(true);
  });

  it("answers a tampered ciphertext with the one generic failure", async () => {
    const ciphertext = publicEncrypt({ key: publicKeyOf(key.key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, randomBytes(32));
    ciphertext[5] = (ciphertext[5] ?? 0) ^ 0xff;
    const failure = await expectRestError(harness.remoteOnly(key).decrypt({ algorithm: "RSA-OAEP-256", ciphertext }), { statusCode: 400, code: "BadParameter" });
    expect(failure.message).toContain("Decryption failed.");
  });

  it("rotates inside the token: a new RSA-HSM version with another modulus", async () => {
    const rotated = await keys.rotateKey(key.name);
    expect(rotated.keyType).toBe("RSA-HSM");
    expect(rotated.properties.version).not.toBe(key.properties.version);
    expect(Buffer.from(rotated.key?.n ?? []).equals(Buffer.from(key.key?.n ?? []))).toBe(false);
    const message = "after rotation";
    const signed = await harness.remoteOnly(rotated).sign("RS256", digest("sha256", message));
    expect(nodeVerify("sha256", Buffer.from(message), publicKeyOf(rotated.key), signed.result)).toBe(true);
  }, SLOW);
});

describe("EC-HSM", () => {
  it.each([
    ["P-256", "ES256", "sha256"],
    ["P-384", "ES384", "sha384"],
    ["P-521", "ES512", "sha512"],
    ["P-256K", "ES256K", "sha256"],
  ] as const)("%s: %s over a digest in the token, verified by node:crypto", async (curve, alg, hash) => {
    const key = await keys.createEcKey(uniqueName("hsm-ec"), { hsm: true, curve });
    expect(key.keyType).toBe("EC-HSM");
    expect(key.key?.crv).toBe(curve);
    const message = `ec ${curve} ${randomBytes(8).toString("hex")}`;
    const signed = await harness.remoteOnly(key).sign(alg, digest(hash, message));
    expect(ecdsaVerify(key, hash, message, signed.result)).toBe(true);
    expect((await harness.remoteOnly(key).verify(alg, digest(hash, message), signed.result)).result).toBe(true);
  });

  it("refuses a digest of the wrong length before it reaches the token", async () => {
    const key = await keys.createEcKey(uniqueName("hsm-ec-len"), { hsm: true, curve: "P-256" });
    await expectRestError(harness.remoteOnly(key).sign("ES256", randomBytes(20)), { statusCode: 400, code: "BadParameter" });
  });
});

describe("oct-HSM", () => {
  it("creates a 256-bit AES key whose material is never returned", async () => {
    const key = await keys.createKey(uniqueName("hsm-oct"), "oct-HSM", { keySize: 256 });
    expect(key.keyType).toBe("oct-HSM");
    expect(key.key?.k).toBeUndefined();
    const sealed = await harness.remoteOnly(key).encrypt({ algorithm: "A256GCM", plaintext: Buffer.from("round trip") });
    const opened = await harness.remoteOnly(key).decrypt({
      algorithm: "A256GCM",
      ciphertext: sealed.result,
      iv: sealed.iv ?? new Uint8Array(),
      authenticationTag: sealed.authenticationTag ?? new Uint8Array(),
    });
    expect(Buffer.from(opened.result).toString()).toBe("round trip");
  });

  it("an imported AES key (hsm: true) encrypts in the token what node:crypto decrypts, and the reverse", async () => {
    const secret = randomBytes(32);
    const key = await keys.importKey(uniqueName("hsm-oct-import"), { ...octJwk(secret), kty: "oct-HSM" }, { hardwareProtected: true });
    expect(key.keyType).toBe("oct-HSM");
    const sealed = await harness.remoteOnly(key).encrypt({ algorithm: "A256GCM", plaintext: Buffer.from("gcm from the token"), additionalAuthenticatedData: Buffer.from("aad") });
    const decipher = createDecipheriv("aes-256-gcm", secret, sealed.iv ?? new Uint8Array());
    decipher.setAAD(Buffer.from("aad"));
    decipher.setAuthTag(sealed.authenticationTag ?? new Uint8Array());
    expect(Buffer.concat([decipher.update(sealed.result), decipher.final()]).toString()).toBe("gcm from the token");

    const iv = randomBytes(16);
    const cipher = createCipheriv("aes-256-cbc", secret, iv);
    const ciphertext = Buffer.concat([cipher.update("cbc from node:crypto"), cipher.final()]);
    const opened = await harness.remoteOnly(key).decrypt({ algorithm: "A256CBCPAD", ciphertext, iv });
    expect(Buffer.from(opened.result).toString()).toBe("cbc from node:crypto");

    const wrapped = await harness.remoteOnly(key).wrapKey("A256KW", secret);
    const kw = createDecipheriv("id-aes256-wrap", secret, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
    expect(Buffer.concat([kw.update(wrapped.result), kw.final()]).equals(secret)).toBe(true);
  });
});

describe("import into the HSM", () => {
  it("an RSA key imported with hardwareProtected signs in the token as the original key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = await keys.importKey(uniqueName("hsm-rsa-import"), toVaultJwk(privateKey.export({ format: "jwk" })), { hardwareProtected: true });
    expect(key.keyType).toBe("RSA-HSM");
    const signed = await harness.remoteOnly(key).sign("RS256", digest("sha256", "imported"));
    expect(nodeVerify("sha256", Buffer.from("imported"), publicKey, signed.result)).toBe(true);
  });
});

describe("management", () => {
  it("backup, delete, purge and restore keep the key usable", async () => {
    const name = uniqueName("hsm-backup");
    const key = await keys.createEcKey(name, { hsm: true, curve: "P-256" });
    const blob = await keys.backupKey(name);
    expect(blob).toBeDefined();
    await (await keys.beginDeleteKey(name, POLL)).pollUntilDone();
    await keys.purgeDeletedKey(name);
    const restored = await keys.restoreKeyBackup(blob ?? new Uint8Array());
    expect(restored.keyType).toBe("EC-HSM");
    expect(restored.properties.version).toBe(key.properties.version);
    const signed = await harness.remoteOnly(restored).sign("ES256", digest("sha256", "restored"));
    expect(ecdsaVerify(restored, "sha256", "restored", signed.result)).toBe(true);
  }, SLOW);

  it("delete and recover keep the token object", async () => {
    const name = uniqueName("hsm-recover");
    await keys.createRsaKey(name, { hsm: true });
    await (await keys.beginDeleteKey(name, POLL)).pollUntilDone();
    await (await keys.beginRecoverDeletedKey(name, POLL)).pollUntilDone();
    const recovered = await keys.getKey(name);
    const signed = await harness.remoteOnly(recovered).sign("RS256", digest("sha256", "recovered"));
    expect(nodeVerify("sha256", Buffer.from("recovered"), publicKeyOf(recovered.key), signed.result)).toBe(true);
  }, SLOW);

  it("a standard vault refuses HSM key types with Azure's error", async () => {
    const admin = adminClient(facts);
    const name = uniqueName("std");
    await admin.createVault(facts.tenantId, name, { softDeleteRetentionInDays: 7, enablePurgeProtection: false, sku: "standard" });
    await admin.assignRole(facts.tenantId, name, crypto.randomUUID(), "Key Vault Administrator", facts.principalId);
    const standard = new KeyClient(facts.vaultUrl.replace("//dev.", `//${name}.`), credential);
    // Azure: "Hardware key operation not allowed on standard vault" (azure-sdk-for-net#6551).
    for (const create of [
      () => standard.createRsaKey("k", { hsm: true }),
      () => standard.createEcKey("k", { hsm: true, curve: "P-256" }),
      () => standard.createOctKey("k", { hsm: true, keySize: 256 }),
    ]) {
      const failure = await expectRestError(create(), { statusCode: 400, code: "BadParameter" });
      expect(failure.message).toBe("Hardware key operation not allowed on standard vault.");
    }
    await expectRestError(standard.getKey("k"), { statusCode: 404, code: "KeyNotFound" });
  });
});
