/**
 * Secure key release through the official `@azure/keyvault-keys` KeyClient, unmodified (docs/key-release.md):
 * `createRsaKey`/`createEcKey` with `exportable` and a `releasePolicy`, `releaseKey` with a token of the local
 * attestation authority the dev server serves, and the workload's side in plain node:crypto — the vault's JWS
 * checked with the certificate in its `x5c`, `key_hsm` unwrapped with the workload's private key (RSA-OAEP, then
 * OpenSSL's RFC 5649 `id-aes256-wrap-pad`) — proving the released key is the vault's: a signature the vault makes
 * verifies with it. HSM keys (premium vault and managed HSM) are wrapped inside the token by the bridge and
 * proven the same way.
 */
import { X509Certificate, constants, createDecipheriv, randomBytes, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, verify, type KeyObject } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest } from "./support/jwk.ts";
import { SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const client = new KeyClient(facts.vaultUrl, credential);
const AUTHORITY = `${facts.origin}/local-attestation`;

const policy = (conditions: unknown[]) => ({
  encodedPolicy: new TextEncoder().encode(JSON.stringify({ version: "1.0.0", anyOf: [{ authority: `${AUTHORITY}/`, allOf: conditions }] })),
});
const CVM = [
  { claim: "x-ms-isolation-tee.x-ms-attestation-type", equals: "sevsnpvm" },
  { claim: "x-ms-isolation-tee.x-ms-sevsnpvm-is-debuggable", condition: "equals", value: "false" },
];

interface Workload {
  readonly privateKey: KeyObject;
  readonly runtimeJwk: Record<string, unknown>;
}

function workload(): Workload {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, runtimeJwk: { ...publicKey.export({ format: "jwk" }), kid: "TpmEphemeralEncryptionKey", key_ops: ["encrypt"] } };
}

/** The guest's side of attestation: the local authority's token for a simulated AMD SEV-SNP confidential VM. */
async function attest(w: Workload, nonce?: string): Promise<string> {
  const response = await fetch(`${AUTHORITY}/attest/SevSnpVm`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ runtimeData: { keys: [w.runtimeJwk] }, ...(nonce === undefined ? {} : { nonce }) }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const json = (segment: string): Record<string, unknown> => JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;

/** The workload's side of a release, in node:crypto alone: check the vault's signature, then unwrap the key's bytes. */
function openReleasedBytes(jws: string, w: Workload, oaepHash: string): { payload: Record<string, unknown>; bytes: Buffer } {
  const [h = "", p = "", s = ""] = jws.split(".");
  const header = json(h);
  const certificate = new X509Certificate(Buffer.from((header.x5c as string[])[0] ?? "", "base64"));
  expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: certificate.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(true);
  const payload = json(p);
  const keyHsm = ((payload.response as { key: { key: { key_hsm: string } } }).key.key.key_hsm);
  const blob = JSON.parse(Buffer.from(keyHsm, "base64url").toString("utf8")) as { ciphertext: string; header: { enc: string } };
  const ciphertext = Buffer.from(blob.ciphertext, "base64url");
  const aes = privateDecrypt({ key: w.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext.subarray(0, 256));
  const unwrap = createDecipheriv("id-aes256-wrap-pad", aes, Buffer.from("A65959A6", "hex"));
  return { payload, bytes: Buffer.concat([unwrap.update(ciphertext.subarray(256)), unwrap.final()]) };
}

/** RSA and EC keys are released as PKCS#8 DER (SoftHSM2 may add up to 7 zero bytes after it: docs/key-release.md). */
function openRelease(jws: string, w: Workload, oaepHash: string): { payload: Record<string, unknown>; key: KeyObject } {
  const { payload, bytes } = openReleasedBytes(jws, w, oaepHash);
  return { payload, key: createPrivateKey({ key: bytes, format: "der", type: "pkcs8" }) };
}

describe("KeyClient.releaseKey", () => {
  it("releases an exportable RSA key the vault's signature proves is its own", { timeout: SLOW }, async () => {
    const name = uniqueName("release-rsa");
    const created = await client.createRsaKey(name, { keySize: 2048, exportable: true, releasePolicy: policy(CVM) });
    expect(created.properties.exportable).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(created.properties.releasePolicy?.encodedPolicy))).toMatchObject({ version: "1.0.0" });
    const w = workload();
    const result = await client.releaseKey(name, await attest(w, "n-42"), { nonce: "n-42", algorithm: "RSA_AES_KEY_WRAP_256" });
    const { payload, key } = openRelease(result.value, w, "sha256");
    expect(payload.request).toMatchObject({ enc: "RSA_AES_KEY_WRAP_256", nonce: "n-42", kid: created.id });
    const message = Buffer.from("signed by the vault");
    const signature = await new CryptographyClient(created, credential).sign("RS256", digest("sha256", message));
    expect(verify("sha256", message, createPublicKey(key), Buffer.from(signature.result))).toBe(true);
  });

  it("releases an exportable EC key by version, with the default CKM_RSA_AES_KEY_WRAP", { timeout: SLOW }, async () => {
    const name = uniqueName("release-ec");
    const created = await client.createEcKey(name, { curve: "P-256", exportable: true, releasePolicy: policy(CVM) });
    const w = workload();
    const result = await client.releaseKey(name, await attest(w), { version: created.properties.version });
    const { key } = openRelease(result.value, w, "sha1");
    const message = Buffer.from("signed by the vault");
    const signature = await new CryptographyClient(created, credential).sign("ES256", digest("sha256", message));
    expect(verify("sha256", message, { key: createPublicKey(key), dsaEncoding: "ieee-p1363" }, Buffer.from(signature.result))).toBe(true);
  });

  it("refuses a token whose claims fail the policy with Azure's 403, and a key without a policy with a 400", { timeout: SLOW }, async () => {
    const name = uniqueName("release-refused");
    await client.createRsaKey(name, { keySize: 2048, exportable: true, releasePolicy: policy([{ claim: "x-ms-isolation-tee.x-ms-attestation-type", equals: "tdxvm" }]) });
    await expectRestError(client.releaseKey(name, await attest(workload())), { statusCode: 403, code: "Forbidden" });
    const failure = await expectRestError(client.createRsaKey(uniqueName("no-policy"), { exportable: true }), { statusCode: 400, code: "BadParameter" });
    expect(failure.message).toMatch(/exportable/i);
  });

});

describe.runIf(facts.hsm !== undefined)("KeyClient.releaseKey of HSM keys: wrapped inside the token", () => {
  it("releases an RSA-HSM key: the token signs, the released key verifies", { timeout: SLOW }, async () => {
    const name = uniqueName("release-hsm");
    const created = await client.createRsaKey(name, { hsm: true, keySize: 2048, exportable: true, releasePolicy: policy(CVM) });
    expect(created.keyType).toBe("RSA-HSM");
    expect(created.properties.exportable).toBe(true);
    const w = workload();
    const { payload, key } = openRelease((await client.releaseKey(name, await attest(w))).value, w, "sha1");
    expect(payload.request).toMatchObject({ enc: "CKM_RSA_AES_KEY_WRAP", kid: created.id });
    const message = Buffer.from("signed inside the HSM");
    const signature = await new CryptographyClient(created, credential).sign("RS256", digest("sha256", message));
    expect(verify("sha256", message, createPublicKey(key), Buffer.from(signature.result))).toBe(true);
  });

  it("a rotated EC-HSM key stays exportable and its new version is released", { timeout: SLOW }, async () => {
    const name = uniqueName("release-hsm-rotated");
    await client.createEcKey(name, { hsm: true, curve: "P-384", exportable: true, releasePolicy: policy(CVM) });
    const rotated = await client.rotateKey(name);
    expect(rotated.properties.exportable).toBe(true);
    const w = workload();
    const { key } = openRelease((await client.releaseKey(name, await attest(w), { version: rotated.properties.version })).value, w, "sha1");
    const message = Buffer.from("signed by the new version");
    const signature = await new CryptographyClient(rotated, credential).sign("ES384", digest("sha384", message));
    expect(verify("sha384", message, { key: createPublicKey(key), dsaEncoding: "ieee-p1363" }, Buffer.from(signature.result))).toBe(true);
  });

  it("SoftHSM2 has no RSA-OAEP with SHA-256 for C_WrapKey: RSA_AES_KEY_WRAP_256 is a 400 naming the default, nothing released", { timeout: SLOW }, async () => {
    const name = uniqueName("release-hsm-sha256");
    await client.createEcKey(name, { hsm: true, curve: "P-256", exportable: true, releasePolicy: policy(CVM) });
    const failure = await expectRestError(client.releaseKey(name, await attest(workload()), { algorithm: "RSA_AES_KEY_WRAP_256" }), { statusCode: 400, code: "BadParameter" });
    expect(failure.message).toMatch(/CKM_RSA_AES_KEY_WRAP/);
  });

  it("releases a managed HSM's oct-HSM key: the released bytes decrypt what the HSM encrypted", { timeout: SLOW }, async () => {
    const hsm = new KeyClient(String(facts.managedHsmUrl), credential);
    const name = uniqueName("release-oct");
    const created = await hsm.createOctKey(name, { hsm: true, keySize: 256, exportable: true, releasePolicy: policy(CVM) });
    expect(created.keyType).toBe("oct-HSM");
    const w = workload();
    const { bytes } = openReleasedBytes((await hsm.releaseKey(name, await attest(w))).value, w, "sha1");
    expect(bytes.length).toBe(32);
    const plaintext = randomBytes(40);
    const encrypted = await new CryptographyClient(created, credential).encrypt({ algorithm: "A256GCM", plaintext });
    const decipher = createDecipheriv("aes-256-gcm", bytes, Buffer.from(encrypted.iv ?? []));
    decipher.setAuthTag(Buffer.from(encrypted.authenticationTag ?? []));
    expect(Buffer.concat([decipher.update(encrypted.result), decipher.final()]).equals(plaintext)).toBe(true);
  });
});
