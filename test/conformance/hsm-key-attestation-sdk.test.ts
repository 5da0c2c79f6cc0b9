/**
 * Key attestation through the official `@azure/keyvault-keys` KeyClient.getKeyAttestation, unmodified
 * (docs/key-release.md "Key attestation"), against the dev server and its PKCS#11 bridge: the verifier's side in
 * node:crypto alone — `certificatePemFile` read as a PEM certificate, each statement's ES256 signature checked with
 * its key, the claims matched to the key bundle the SDK returned (kid, public key thumbprint) and to what the key
 * is (made in the token, exportable or not). Software keys have none: 400. Python's azure-keyvault-keys 4.8 has no
 * get_key_attestation, so this tier has the JS SDK only.
 */
import { X509Certificate, createHash, verify } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { calculateJwkThumbprint } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const client = new KeyClient(facts.vaultUrl, credential);
const AUTHORITY = `${facts.origin}/local-attestation`;

interface Statement {
  readonly version: string;
  readonly subject: string;
  readonly object: string;
  readonly kty: string;
  readonly jwkThumbprint?: string;
  readonly jwk?: Record<string, unknown>;
  readonly attributes: Record<string, string | boolean>;
}

beforeAll(() => {
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

/** The verifier: the certificate from its PEM, the JWS checked with its key and matched to it by thumbprint. */
function verified(jws: Uint8Array | undefined, certificate: X509Certificate): Statement {
  const [header = "", payload = "", signature = ""] = new TextDecoder().decode(jws).split(".");
  const signed = Buffer.from(`${header}.${payload}`);
  expect(verify("sha256", signed, { key: certificate.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))).toBe(true);
  const parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>;
  expect(parsedHeader).toMatchObject({ alg: "ES256", "x5t#S256": createHash("sha256").update(certificate.raw).digest("base64url") });
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Statement;
}

async function attested(name: string, version?: string) {
  const key = await client.getKeyAttestation(name, version === undefined ? {} : { version });
  const attestation = key.properties.attestation;
  expect(attestation?.version).toBe("PKCS11-BRIDGE-1");
  const certificate = new X509Certificate(Buffer.from(attestation?.certificatePemFile ?? []));
  expect(certificate.verify(certificate.publicKey)).toBe(true);
  return {
    key,
    privateStatement: verified(attestation?.privateKeyAttestation, certificate),
    publicStatement: verified(attestation?.publicKeyAttestation, certificate),
  };
}

async function thumbprintOf(key: KeyVaultKey): Promise<string> {
  const jwk = key.key;
  return jwk?.n !== undefined
    ? calculateJwkThumbprint({ kty: "RSA", n: Buffer.from(jwk.n).toString("base64url"), e: Buffer.from(jwk.e ?? []).toString("base64url") }, "sha256")
    : calculateJwkThumbprint({ kty: "EC", crv: String(jwk?.crv), x: Buffer.from(jwk?.x ?? []).toString("base64url"), y: Buffer.from(jwk?.y ?? []).toString("base64url") }, "sha256");
}

describe("KeyClient.getKeyAttestation of HSM keys", () => {
  it("an RSA-HSM key: statements about its token objects, signed by the token's attestation key", { timeout: SLOW }, async () => {
    const name = uniqueName("attest-rsa");
    const created = await client.createRsaKey(name, { hsm: true, keySize: 2048 });
    const { key, privateStatement, publicStatement } = await attested(name);
    expect(key.id).toBe(created.id);
    expect(key.keyType).toBe("RSA-HSM");
    expect(privateStatement).toMatchObject({ version: "PKCS11-BRIDGE-1", subject: created.id, object: "private", kty: "RSA" });
    expect(privateStatement.attributes).toMatchObject({ CKA_LOCAL: true, CKA_NEVER_EXTRACTABLE: true, CKA_ALWAYS_SENSITIVE: true, CKA_EXTRACTABLE: false, CKA_SENSITIVE: true });
    const thumbprint = await thumbprintOf(created);
    expect(privateStatement.jwkThumbprint).toBe(thumbprint);
    expect(publicStatement).toMatchObject({ subject: created.id, object: "public", jwkThumbprint: thumbprint });
    expect(publicStatement.jwk?.n).toBe(Buffer.from(created.key?.n ?? []).toString("base64url"));
  });

  it("an exportable EC-HSM key, by version: extractable in the token, so never-extractable false", { timeout: SLOW }, async () => {
    const name = uniqueName("attest-ec");
    const policy = { version: "1.0.0", anyOf: [{ authority: `${AUTHORITY}/`, allOf: [{ claim: "x-ms-isolation-tee.x-ms-attestation-type", equals: "sevsnpvm" }] }] };
    const first = await client.createEcKey(name, { hsm: true, curve: "P-256", exportable: true, releasePolicy: { encodedPolicy: new TextEncoder().encode(JSON.stringify(policy)) } });
    await client.rotateKey(name);
    const { key, privateStatement } = await attested(name, first.properties.version);
    expect(key.id).toBe(first.id);
    expect(privateStatement).toMatchObject({ subject: first.id, kty: "EC", jwkThumbprint: await thumbprintOf(first) });
    expect(privateStatement.attributes).toMatchObject({ CKA_EXTRACTABLE: true, CKA_NEVER_EXTRACTABLE: false, CKA_SENSITIVE: true, CKA_LOCAL: true });
  });
});

describe("KeyClient.getKeyAttestation of a managed HSM's oct-HSM key", () => {
  it("one statement, about the secret key object, naming the version by kid", { timeout: SLOW }, async () => {
    const hsm = new KeyClient(String(facts.managedHsmUrl), credential);
    const name = uniqueName("attest-oct");
    const created = await hsm.createOctKey(name, { hsm: true, keySize: 256 });
    const attestation = (await hsm.getKeyAttestation(name)).properties.attestation;
    expect(attestation?.publicKeyAttestation).toBeUndefined();
    const certificate = new X509Certificate(Buffer.from(attestation?.certificatePemFile ?? []));
    const statement = verified(attestation?.privateKeyAttestation, certificate);
    expect(statement).toMatchObject({ subject: created.id, object: "secret", kty: "oct" });
    expect(statement.attributes).toMatchObject({ CKA_CLASS: "CKO_SECRET_KEY", CKA_KEY_TYPE: "CKK_AES", CKA_LOCAL: true, CKA_NEVER_EXTRACTABLE: true, CKA_EXTRACTABLE: false });
  });
});

describe("refusals", () => {
  it("a software key has no attestation (400); a missing key is 404; api-version 7.5 has no such operation", { timeout: SLOW }, async () => {
    const name = uniqueName("attest-soft");
    await client.createEcKey(name, { curve: "P-256" });
    const soft = await expectRestError(client.getKeyAttestation(name), { statusCode: 400, code: "BadParameter" });
    expect(soft.message).toMatch(/software-protected/);
    await expectRestError(client.getKeyAttestation(uniqueName("attest-missing")), { statusCode: 404, code: "KeyNotFound" });
    const old = new KeyClient(facts.vaultUrl, credential, { serviceVersion: "7.5" });
    const refused = await expectRestError(old.getKeyAttestation(name), { statusCode: 400, code: "BadParameter" });
    expect(refused.message).toMatch(/7\.6-preview\.2/);
  });
});
