/**
 * The JS SDKs' pollers against the dev vault, whose long-running operations are timed as Azure's
 * (docs/long-running-operations.md): each poller's first poll sees its operation in progress, a poller resumed from
 * its serialized state finishes it, and pollUntilDone with the SDKs' default interval (2 s) is done on its next poll.
 * The in-progress checks read the poller state right after `begin*`, whose first poll ran inside it
 * (keyvault-secrets dist/esm/lro/delete/operation.js `update`: DELETE, then GET /deletedsecrets at once).
 */
import { ManagedIdentityCredential } from "@azure/identity";
import { CertificateClient, DefaultCertificatePolicy } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { RawVault } from "./support/raw-vault.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const secrets = new SecretClient(facts.vaultUrl, credential);
const keys = new KeyClient(facts.vaultUrl, credential);
const certificates = new CertificateClient(facts.vaultUrl, credential);
const raw = new RawVault(facts, "2025-07-01");
/** The server completes one second after the call; two SDK default intervals are ample on a loaded machine. */
const SLOW = 30_000;

describe("delete and recover pollers", () => {
  it("secrets: in progress at the first poll, done at the next; a poller resumed from its state completes", { timeout: SLOW }, async () => {
    const name = uniqueName("lro-secret");
    await secrets.setSecret(name, "v");
    const deleting = await secrets.beginDeleteSecret(name);
    expect(deleting.isDone()).toBe(false);
    const resumed = await secrets.beginDeleteSecret(name, { resumeFrom: deleting.toString() });
    const deleted = await resumed.pollUntilDone();
    expect(deleted.recoveryId).toBe(`${facts.vaultUrl}/deletedsecrets/${name}`);
    expect((await raw.call("GET", `/deletedsecrets/${name}`)).status).toBe(200);

    const recovering = await secrets.beginRecoverDeletedSecret(name);
    expect(recovering.isDone()).toBe(false);
    expect((await recovering.pollUntilDone()).name).toBe(name);
    expect((await secrets.getSecret(name)).value).toBe("v");
  });

  it("keys: the same life cycle", { timeout: SLOW }, async () => {
    const name = uniqueName("lro-key");
    await keys.createEcKey(name);
    const deleting = await keys.beginDeleteKey(name);
    expect(deleting.isDone()).toBe(false);
    expect((await deleting.pollUntilDone()).name).toBe(name);
    const recovering = await keys.beginRecoverDeletedKey(name);
    expect(recovering.isDone()).toBe(false);
    expect((await recovering.pollUntilDone()).name).toBe(name);
  });
});

describe("certificate creation", () => {
  it("is inProgress at the first poll and completes with the certificate on a later one", { timeout: SLOW }, async () => {
    const name = uniqueName("lro-cert");
    const poller = await certificates.beginCreateCertificate(name, DefaultCertificatePolicy);
    expect(poller.isDone()).toBe(false);
    const certificate = await poller.pollUntilDone();
    expect(certificate.cer?.length ?? 0).toBeGreaterThan(100);
    const operation = await raw.call("GET", `/certificates/${name}/pending`);
    expect([operation.status, operation.json.status, operation.json.target]).toEqual([200, "completed", `${facts.vaultUrl}/certificates/${name}`]);

    const deleting = await certificates.beginDeleteCertificate(name);
    expect(deleting.isDone()).toBe(false);
    await deleting.pollUntilDone();
    const recovering = await certificates.beginRecoverDeletedCertificate(name);
    expect(recovering.isDone()).toBe(false);
    expect((await recovering.pollUntilDone()).name).toBe(name);
  });
});
