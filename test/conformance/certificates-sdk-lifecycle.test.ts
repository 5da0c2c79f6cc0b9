/**
 * Certificate lifecycle with the official CertificateClient: soft delete (the managed key and secret go with the
 * certificate), recovery, purge, backup and restore after a purge, and the vault-wide certificate contacts and
 * issuers (azure-sdk-for-js CRUD.spec, recoverBackupRestore.spec). The dev vault keeps deleted objects 90 days and
 * has no purge protection, so purging needs no vault of its own.
 */
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { CertificateClient, type CertificatePolicy } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { collect, DAY_MS, expectRecent, POLL, SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const client = new CertificateClient(facts.vaultUrl, credential);
const keys = new KeyClient(facts.vaultUrl, credential);
const secrets = new SecretClient(facts.vaultUrl, credential);

const EC: CertificatePolicy = { issuerName: "Self", subject: "CN=lifecycle.myapp.com", keyType: "EC", keyCurveName: "P-256" };

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cert-lifecycle-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function create(name: string, policy: CertificatePolicy = EC, tags?: Record<string, string>) {
  const poller = await client.beginCreateCertificate(name, policy, { ...POLL, ...(tags === undefined ? {} : { tags }) });
  return poller.pollUntilDone();
}

async function deleteAndWait(name: string) {
  const poller = await client.beginDeleteCertificate(name, POLL);
  return poller.pollUntilDone();
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return Buffer.from(a ?? []).equals(Buffer.from(b ?? []));
}

/** The secret's PKCS#12, opened by OpenSSL with the empty password: does its key match the certificate? */
function secretMatchesCertificate(base64: string, cer: Uint8Array | undefined): boolean {
  const path = join(dir, `${uniqueName("p12")}.p12`);
  writeFileSync(path, Buffer.from(base64, "base64"));
  const run = spawnSync("openssl", ["pkcs12", "-in", path, "-passin", "pass:", "-nodes"], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(run.stdout)?.[0] ?? "";
  const certKey = new X509Certificate(Buffer.from(cer ?? [])).publicKey;
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: "spki", format: "der" }).toString("hex");
  return spki(createPublicKey(createPrivateKey(keyPem))) === spki(certKey);
}

describe("soft delete and recovery", () => {
  it("deletes the certificate with its managed key and secret, and recovers all three", { timeout: SLOW }, async () => {
    const name = uniqueName("cert-recover");
    const created = await create(name, EC, { state: "live" });

    const deleted = await deleteAndWait(name);
    expect(deleted.name).toBe(name);
    expect(deleted.recoveryId).toBe(`${facts.vaultUrl}/deletedcertificates/${name}`);
    expectRecent(deleted.deletedOn);
    const retention = (deleted.scheduledPurgeDate?.getTime() ?? 0) - (deleted.deletedOn?.getTime() ?? 0);
    expect(Math.round(retention / DAY_MS)).toBe(90);
    expect(deleted.properties.id).toBe(created.properties.id);
    expect(sameBytes(deleted.cer, created.cer)).toBe(true);

    await expectRestError(client.getCertificate(name), { statusCode: 404, code: "CertificateNotFound" });
    await expectRestError(keys.getKey(name), { statusCode: 404, code: "KeyNotFound" });
    await expectRestError(secrets.getSecret(name), { statusCode: 404, code: "SecretNotFound" });

    const fetched = await client.getDeletedCertificate(name);
    expect(fetched.recoveryId).toBe(deleted.recoveryId);
    expect(fetched.properties.tags).toEqual({ state: "live" });
    expect(fetched.policy?.subject).toBe("CN=lifecycle.myapp.com");
    const listed = (await collect(client.listDeletedCertificates())).filter((c) => c.name === name);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.recoveryId).toBe(deleted.recoveryId);

    const recoverPoller = await client.beginRecoverDeletedCertificate(name, POLL);
    const recovered = await recoverPoller.pollUntilDone();
    expect(recovered.properties.id).toBe(created.properties.id);

    const back = await client.getCertificate(name);
    expect(sameBytes(back.cer, created.cer)).toBe(true);
    expect(back.properties.tags).toEqual({ state: "live" });
    expect((await keys.getKey(name)).properties.version).toBe(created.properties.version);
    const secret = await secrets.getSecret(name);
    expect(secret.properties.version).toBe(created.properties.version);
    expect(secretMatchesCertificate(secret.value ?? "", created.cer)).toBe(true);
    await expectRestError(client.getDeletedCertificate(name), { statusCode: 404, code: "CertificateNotFound" });
  });

  it("beginDeleteCertificate of a certificate that never existed is 404 CertificateNotFound", async () => {
    await expectRestError(client.beginDeleteCertificate(uniqueName("never"), POLL), { statusCode: 404, code: "CertificateNotFound" });
  });

  it("purges a deleted certificate for good; the name can be used again", { timeout: SLOW }, async () => {
    const name = uniqueName("cert-purge");
    await create(name);
    await deleteAndWait(name);
    await client.purgeDeletedCertificate(name);

    await expectRestError(client.getDeletedCertificate(name), { statusCode: 404, code: "CertificateNotFound" });
    expect((await collect(client.listDeletedCertificates())).map((c) => c.name)).not.toContain(name);
    await expectRestError(keys.getKey(name), { statusCode: 404, code: "KeyNotFound" });
    await expectRestError(secrets.getSecret(name), { statusCode: 404, code: "SecretNotFound" });

    const again = await create(name);
    expect((await collect(client.listPropertiesOfCertificateVersions(name))).map((p) => p.version)).toEqual([again.properties.version]);
  });
});

describe("backup and restore", () => {
  it("restores every version, with keys and secrets, after the certificate was deleted and purged", { timeout: SLOW }, async () => {
    const name = uniqueName("cert-backup");
    const v1 = await create(name, EC, { generation: "1" });
    const v2 = await create(name, { ...EC, subject: "CN=second.lifecycle.myapp.com" });

    const backup = await client.backupCertificate(name);
    expect(backup).toBeInstanceOf(Uint8Array);
    expect(backup?.length ?? 0).toBeGreaterThan(0);
    // Opaque: no private key in clear.
    expect(Buffer.from(backup ?? []).toString("latin1")).not.toContain("PRIVATE KEY");

    await deleteAndWait(name);
    await client.purgeDeletedCertificate(name);
    await expectRestError(client.getCertificate(name), { statusCode: 404, code: "CertificateNotFound" });

    const restored = await client.restoreCertificateBackup(backup ?? new Uint8Array());
    expect(restored.name).toBe(name);

    const latest = await client.getCertificate(name);
    expect(latest.properties.version).toBe(v2.properties.version);
    expect(sameBytes(latest.cer, v2.cer)).toBe(true);
    expect(latest.policy?.subject).toBe("CN=second.lifecycle.myapp.com");
    const older = await client.getCertificateVersion(name, v1.properties.version ?? "");
    expect(sameBytes(older.cer, v1.cer)).toBe(true);
    expect(older.properties.tags).toEqual({ generation: "1" });
    const versions = (await collect(client.listPropertiesOfCertificateVersions(name))).map((p) => p.version).sort();
    expect(versions).toEqual([v1.properties.version, v2.properties.version].sort());

    expect((await keys.getKey(name)).properties.version).toBe(v2.properties.version);
    const secret = await secrets.getSecret(name);
    expect(secret.properties.version).toBe(v2.properties.version);
    expect(secretMatchesCertificate(secret.value ?? "", v2.cer)).toBe(true);
    const olderSecret = await secrets.getSecret(name, { version: v1.properties.version ?? "" });
    expect(secretMatchesCertificate(olderSecret.value ?? "", v1.cer)).toBe(true);
  });
});

describe("contacts", () => {
  it("sets, reads and deletes the vault's certificate contacts", async () => {
    const contacts = [
      { email: "a@a.com", name: "a", phone: "111111111111" },
      { email: "b@b.com", name: "b", phone: "222222222222" },
    ];
    expect(await client.setContacts(contacts)).toEqual(contacts);
    expect(await client.getContacts()).toEqual(contacts);
    // @azure/keyvault-certificates 4.10.0 reads deleteContacts' answer as `contactList` from a raw body that
    // has `contacts`, so it returns [] whatever the service deleted (asserted as observed; the wire shape is
    // test/api/certificates-contacts.test.ts's).
    expect(await client.deleteContacts()).toEqual([]);
    await expectRestError(client.getContacts(), { statusCode: 404, code: "ContactsNotFound" });
  });
});

describe("issuers", () => {
  it("creates, reads, updates, lists and deletes an issuer; the password is never returned", async () => {
    const name = uniqueName("issuer");
    const admin = { firstName: "John", lastName: "Doe", email: "admin@microsoft.com", phone: "4255555555" };
    const created = await client.createIssuer(name, "Test", {
      accountId: "keyvaultuser",
      password: "issuer-password",
      organizationId: "org-1",
      administratorContacts: [admin],
    });
    // The SDK names an issuer by parsing its id as a certificate id: ".../certificates/issuers/{name}" gives
    // name "issuers" (asserted as observed in 4.10.0; the id is the real name's).
    expect(created.name).toBe("issuers");
    expect(created.id).toBe(`${facts.vaultUrl}/certificates/issuers/${name}`);
    expect(created.provider).toBe("Test");
    expect(created.accountId).toBe("keyvaultuser");
    expect(created.password).toBeUndefined();
    expect(created.organizationId).toBe("org-1");
    expect(created.administratorContacts).toEqual([admin]);
    expect(created.enabled).toBe(true);
    expectRecent(created.createdOn);

    const read = await client.getIssuer(name);
    expect(read).toEqual(created);

    // (Not `enabled: false`: 4.10.0's updateIssuer sends attributes only `if (enabled)`, so it cannot disable.)
    const updated = await client.updateIssuer(name, { accountId: "keyvaultuser2", provider: "OneCertV2-PublicCA" });
    expect(updated.accountId).toBe("keyvaultuser2");
    expect(updated.provider).toBe("OneCertV2-PublicCA");
    expect(updated.enabled).toBe(true);
    expect(updated.administratorContacts).toEqual([admin]);
    expect((await client.getIssuer(name)).accountId).toBe("keyvaultuser2");

    // The SDK passes the service's IssuerItem {id, provider} through as is.
    const listed = (await collect(client.listPropertiesOfIssuers())).filter((i) => i.id === created.id);
    expect(listed).toEqual([{ id: created.id, provider: "OneCertV2-PublicCA" }]);

    const deleted = await client.deleteIssuer(name);
    expect(deleted.id).toBe(created.id);
    expect(deleted.accountId).toBe("keyvaultuser2");
    const failure = await expectRestError(client.getIssuer(name), { statusCode: 404, code: "CertificateIssuerNotFound" });
    expect(failure.message).toBe("Issuer not found");
  });
});
