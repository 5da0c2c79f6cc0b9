/**
 * POST /keys/{id}/attestation against the real SoftHSM2 token: every statement verifies with the certificate's key
 * (node:crypto), the certificate is the token's attestation key — non-extractable, on the token — and the
 * attributes claimed are the ones a second PKCS#11 application reads from the same objects.
 */
import { calculateJwkThumbprint } from "jose";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeClient, KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { attestationCertificate, verifiedStatement } from "./support/attestation-jws.ts";
import { channelClient } from "./support/channel-clients.ts";
import { hmacClient } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { openTokenSession, pkcs11js, type TokenSession } from "./support/token-session.ts";

let client: BridgeClient;
let token: TokenSession;
const SUBJECT = "https://v.vault.localhost/keys/k/0123456789abcdef0123456789abcdef";

beforeAll(async () => {
  client = await hmacClient();
  token = openTokenSession();
});

afterAll(() => token.close());

/** The object of `key` of this class, as the second application finds it. */
function objectOf(key: KeyInfo, objectClass: number): Buffer {
  const found = token.objectsWithId(key.id).find((handle) => {
    const [value] = token.module.C_GetAttributeValue(token.session, handle, [{ type: pkcs11js.CKA_CLASS }]);
    return Number(value?.value.readBigUInt64LE(0)) === objectClass;
  });
  if (found === undefined) throw new Error("object not on the token");
  return found;
}

const FLAGS = ["CKA_LOCAL", "CKA_NEVER_EXTRACTABLE", "CKA_ALWAYS_SENSITIVE", "CKA_EXTRACTABLE", "CKA_SENSITIVE", "CKA_TOKEN", "CKA_PRIVATE"] as const;

/** Each flag claimed equals the flag read directly. */
function expectTruthful(claimed: Readonly<Record<string, string | boolean>>, handle: Buffer): void {
  for (const name of FLAGS) expect(claimed[name], name).toBe(token.flag(handle, pkcs11js[name]));
}

async function attest(key: KeyInfo) {
  const answer = await client.attestKey(key.id, { subject: SUBJECT });
  expect(answer.version).toBe("PKCS11-BRIDGE-1");
  const certificate = attestationCertificate(answer.certificatePem);
  const privateStatement = verifiedStatement(answer.privateKeyAttestation, certificate);
  const publicStatement = answer.publicKeyAttestation === undefined ? undefined : verifiedStatement(answer.publicKeyAttestation, certificate);
  return { answer, certificate, privateStatement, publicStatement };
}

describe("key attestation statements", () => {
  it("a key made in the token: local, never extractable, always sensitive; the public statement carries its JWK", async () => {
    const key = await client.generateKey({ kty: "RSA", size: 2048 });
    if (key.kty !== "RSA") throw new Error("expected an RSA key");
    const { privateStatement, publicStatement } = await attest(key);
    expect(privateStatement).toMatchObject({ version: "PKCS11-BRIDGE-1", subject: SUBJECT, keyId: key.id, object: "private", kty: "RSA", size: 2048 });
    expect(privateStatement.attributes).toMatchObject({
      CKA_CLASS: "CKO_PRIVATE_KEY",
      CKA_KEY_TYPE: "CKK_RSA",
      CKA_LOCAL: true,
      CKA_NEVER_EXTRACTABLE: true,
      CKA_ALWAYS_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
      CKA_SENSITIVE: true,
      CKA_SIGN: true,
    });
    expectTruthful(privateStatement.attributes, objectOf(key, pkcs11js.CKO_PRIVATE_KEY));
    const { n, e } = key.publicJwk as { n: string; e: string };
    const thumbprint = await calculateJwkThumbprint({ kty: "RSA", n, e }, "sha256");
    expect(privateStatement.jwkThumbprint).toBe(thumbprint);
    expect(publicStatement).toMatchObject({ object: "public", jwk: key.publicJwk, jwkThumbprint: thumbprint, keyId: key.id });
    expect(publicStatement?.attributes).toMatchObject({ CKA_CLASS: "CKO_PUBLIC_KEY", CKA_LOCAL: true, CKA_VERIFY: true });
    expect(privateStatement.token.label).toBe(token.module.C_GetTokenInfo(token.module.C_GetSlotList(true)[0] ?? Buffer.alloc(0)).label.trim());
    expect(privateStatement.module.manufacturer).toMatch(/SoftHSM/);
  });

  it("an exportable key says so: extractable, so not never-extractable — and still sensitive", async () => {
    const key = await client.generateKey({ kty: "EC", curve: "P-384", exportable: true });
    const { privateStatement } = await attest(key);
    expect(privateStatement).toMatchObject({ kty: "EC", crv: "P-384" });
    expect(privateStatement.attributes).toMatchObject({ CKA_EXTRACTABLE: true, CKA_NEVER_EXTRACTABLE: false, CKA_SENSITIVE: true, CKA_LOCAL: true });
    expectTruthful(privateStatement.attributes, objectOf(key, pkcs11js.CKO_PRIVATE_KEY));
  });

  it("an imported key came from outside: not local, not always sensitive, not never-extractable (PKCS#11 §4.9)", async () => {
    const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }) as { x: string; y: string; d: string };
    const key = await client.importKey({ jwk: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d } });
    const { privateStatement } = await attest(key);
    expect(privateStatement.attributes).toMatchObject({ CKA_LOCAL: false, CKA_ALWAYS_SENSITIVE: false, CKA_NEVER_EXTRACTABLE: false, CKA_EXTRACTABLE: false });
    expectTruthful(privateStatement.attributes, objectOf(key, pkcs11js.CKO_PRIVATE_KEY));
  });

  it("an oct key has one statement, about its secret key object", async () => {
    const key = await client.generateKey({ kty: "oct", size: 256, purpose: "hmac" });
    const { answer, privateStatement } = await attest(key);
    expect(answer.publicKeyAttestation).toBeUndefined();
    expect(privateStatement).toMatchObject({ object: "secret", kty: "oct", size: 256 });
    expect(privateStatement.jwkThumbprint).toBeUndefined();
    expect(privateStatement.attributes).toMatchObject({ CKA_CLASS: "CKO_SECRET_KEY", CKA_KEY_TYPE: "CKK_GENERIC_SECRET", CKA_SIGN: true, CKA_ENCRYPT: false });
    expectTruthful(privateStatement.attributes, objectOf(key, pkcs11js.CKO_SECRET_KEY));
  });
});

describe("over the channel (docs/hsm-channel.md)", () => {
  it("the same operation through the shared dispatch: statements that verify, about the same key", async () => {
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    if (key.kty !== "EC") throw new Error("expected an EC key");
    const { client: overChannel, transport } = await channelClient();
    try {
      const answer = await overChannel.attestKey(key.id, { subject: SUBJECT });
      const certificate = attestationCertificate(answer.certificatePem);
      expect(answer.certificatePem).toBe((await client.attestKey(key.id, { subject: SUBJECT })).certificatePem);
      expect(verifiedStatement(answer.privateKeyAttestation, certificate)).toMatchObject({ keyId: key.id, object: "private", subject: SUBJECT });
      expect(verifiedStatement(answer.publicKeyAttestation ?? "", certificate)).toMatchObject({ keyId: key.id, object: "public", jwk: key.publicJwk });
    } finally {
      transport.close();
    }
  });
});

describe("the attestation key", () => {
  it("is one key on the token, never extractable, whose certificate every answer carries", async () => {
    const first = await attest(await client.generateKey({ kty: "EC", curve: "P-256" }));
    const second = await attest(await client.generateKey({ kty: "oct", size: 128 }));
    expect(second.answer.certificatePem).toBe(first.answer.certificatePem);
    expect(first.certificate.subject).toMatch(/CN=edge-vault PKCS#11 bridge key attestation/);

    const { module, session } = token;
    module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: Buffer.from("edge-vault:key-attestation:v1") }]);
    const objects = module.C_FindObjects(session, 10);
    module.C_FindObjectsFinal(session);
    const byClass = (objectClass: number) =>
      objects.filter((handle) => Number(module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_CLASS }])[0]?.value.readBigUInt64LE(0)) === objectClass);
    const [certificateObject] = byClass(pkcs11js.CKO_CERTIFICATE);
    const [privateKey] = byClass(pkcs11js.CKO_PRIVATE_KEY);
    if (certificateObject === undefined || privateKey === undefined) throw new Error("no attestation key on the token");
    const [der] = module.C_GetAttributeValue(session, certificateObject, [{ type: pkcs11js.CKA_VALUE }]);
    expect(der?.value.equals(first.certificate.raw)).toBe(true);
    for (const [flag, value] of [[pkcs11js.CKA_EXTRACTABLE, false], [pkcs11js.CKA_SENSITIVE, true], [pkcs11js.CKA_NEVER_EXTRACTABLE, true], [pkcs11js.CKA_LOCAL, true]] as const) {
      expect(token.flag(privateKey, flag)).toBe(value);
    }
    // Its CKA_ID is no key id a caller can name, so no key operation reaches it.
    const [id] = module.C_GetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_ID }]);
    const attestationId = id?.value.toString("base64url") ?? "";
    await expectBridgeError(client.sign(attestationId, { alg: "ES256", digest: Buffer.alloc(32).toString("base64url") }), "BadParameter", 400);
  });
});

describe("refusals", () => {
  it("a missing key is 404; a missing or oversized subject is 400", async () => {
    await expectBridgeError(client.attestKey(Buffer.alloc(16, 9).toString("base64url"), { subject: SUBJECT }), "KeyNotFound", 404);
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    await expectBridgeError(client.call("POST", `/keys/${key.id}/attestation`, {}), "BadParameter", 400);
    await expectBridgeError(client.attestKey(key.id, { subject: "x".repeat(1025) }), "BadParameter", 400);
  });
});
