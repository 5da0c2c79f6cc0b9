/**
 * A managed HSM's full backup and restore over raw HTTP (backuprestore.json; docs/managed-hsm.md "Backup and
 * restore"): jobs polled as Azure's pollers poll them, run by the alarm, kept in R2 under the tenant, sealed under the
 * security domain — so a second HSM restores them only once it holds the same domain. This tier has no HSM bridge, so
 * the HSMs hold no keys here: what is backed up and restored is their custom roles and role assignments (the keys'
 * round trip, and the disaster-recovery path with keys, run in the conformance and Python tiers). Failures end the
 * job Failed and change nothing.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createRestoreBlob } from "../../core/crypto/security-domain/restore-blob.ts";
import { exchangeCertificateFrom } from "../../core/crypto/security-domain/transfer-key.ts";
import { createPrincipal, createTenant, tokenFor, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { setVaultClock, vaultObject } from "../support/secrets.ts";
import { activateHsm, securityDomainHolders } from "../support/security-domain.ts";

const HSM_RESOURCE = "https://managedhsm.localhost:8443";
const ADMINISTRATOR = "a290e904-7015-4bba-90c8-60543313cdb4";
const CONTAINER = "https://testbackups.blob.localhost:8443/hsmbackups";
const AUTH = "providers/Microsoft.Authorization";

interface Hsm {
  readonly name: string;
  readonly tenantId: string;
  readonly admin: VaultClient;
  /** Puts the HSM's clock an hour ahead again (a restart gives it the real one back). */
  pinClock(): Promise<void>;
}

/**
 * Each HSM's clock runs an hour ahead of the real one: a job falls due by its clock, but the Durable Object's alarm
 * is armed in real time an hour later, so it never fires on its own during the test and each test runs it with
 * runDurableObjectAlarm exactly when it means to.
 */
const AHEAD = Date.now() + 60 * 60 * 1000;

async function newHsm(prefix: string, tenantId?: string): Promise<Hsm> {
  const tenant = tenantId ?? (await createTenant());
  const name = uniqueVaultName(prefix);
  expect((await vaultObject(name).create({ name, tenantId: tenant, retentionDays: 90, purgeProtection: false, sku: "managedHSM" })).ok).toBe(true);
  expect((await vaultObject(name).updateOperationalSettings({ longRunningOperations: "immediate" })).ok).toBe(true);
  const admin = await createPrincipal(tenant);
  await vaultObject(name).putRoleAssignment({ id: crypto.randomUUID(), principalId: admin.id, roleDefinitionId: ADMINISTRATOR, scope: "/", created: 1 });
  const pinClock = () => setVaultClock(name, AHEAD);
  await pinClock();
  return { name, tenantId: tenant, admin: vaultClient(name, await tokenFor(admin.identityHeader as string, HSM_RESOURCE), "7.5", "managedhsm"), pinClock };
}

interface Job {
  status: string;
  jobId: string;
  error: { code: string; message: string } | null;
  azureStorageBlobContainerUri?: string | null;
  startTime: number;
  endTime: number | null;
}

/** Starts a job, checks Azure's 202, runs the alarm, and answers the job's final status. */
async function run(hsm: Hsm, method: string, path: string, body: unknown, collection: "backup" | "restore"): Promise<Job> {
  const started = await hsm.admin.request(method, path, body);
  expect(started.status).toBe(202);
  const job = (await started.json()) as Job;
  expect(job.status).toBe("InProgress");
  expect(started.headers.get("azure-asyncoperation")).toBe(`https://${hsm.name}.managedhsm.localhost:8443/${collection}/${job.jobId}/pending?api-version=7.5`);
  expect(started.headers.get("retry-after")).toMatch(/^\d+$/);
  expect((await hsm.admin.json<Job>("GET", `/${collection}/${job.jobId}/pending`)).body.status).toBe("InProgress");
  expect(await runDurableObjectAlarm(vaultObject(hsm.name))).toBe(true);
  return (await hsm.admin.json<Job>("GET", `/${collection}/${job.jobId}/pending`)).body;
}

async function customRole(hsm: Hsm): Promise<string> {
  const guid = crypto.randomUUID();
  const permissions = [{ dataActions: ["Microsoft.KeyVault/managedHsm/keys/read/action"] }];
  expect((await hsm.admin.json("PUT", `/${AUTH}/roleDefinitions/${guid}`, { properties: { roleName: "Backed up", permissions } })).status).toBe(201);
  return guid;
}

/** A second HSM of the tenant that took the first's security domain by upload. */
async function sameDomain(first: Hsm, domain: string): Promise<Hsm> {
  const second = await newHsm("bkpsecond", first.tenantId);
  const transfer = await second.admin.json("GET", "/securitydomain/upload");
  const holders = await securityDomainHolders();
  const value = await createRestoreBlob({
    securityDomain: domain,
    wrappingKeys: holders.slice(0, 2).map((h) => ({ certificate: h.certificate, privateKey: h.privateJwk })),
    exchangeCertificate: exchangeCertificateFrom(transfer.body),
  });
  expect((await second.admin.json("POST", "/securitydomain/upload", { value })).status).toBe(202);
  return second;
}

describe("full backup and restore", () => {
  it("backs up into the tenant's part of the bucket and restores into an HSM holding the same domain", async () => {
    const first = await newHsm("bkpfirst");
    const domain = await activateHsm(first.admin);
    const role = await customRole(first);
    const backup = await run(first, "POST", "/backup", { storageResourceUri: CONTAINER, token: "sv=2026&sig=unused" }, "backup");
    expect(backup.status).toBe("Succeeded");
    expect(backup.error).toBeNull();
    expect(backup.endTime).toBeGreaterThanOrEqual(backup.startTime);
    const folderUri = backup.azureStorageBlobContainerUri ?? "";
    expect(folderUri).toMatch(new RegExp(`^${CONTAINER}/mhsm-${first.name}-\\d{16}$`));
    const folder = folderUri.slice(CONTAINER.length + 1);
    const stored = (await env.BACKUPS!.list({ prefix: `${first.tenantId}/testbackups/hsmbackups/${folder}/` })).objects.map((o) => o.key.split("/").pop());
    expect(stored.sort()).toEqual(["manifest", "rbac"]);

    const second = await sameDomain(first, domain);
    expect((await second.admin.json("GET", `/${AUTH}/roleDefinitions/${role}`)).status).toBe(404);
    const restore = await run(second, "PUT", "/restore", { sasTokenParameters: { storageResourceUri: CONTAINER, useManagedIdentity: true }, folderToRestore: folder }, "restore");
    expect([restore.status, restore.error]).toEqual(["Succeeded", null]);
    expect(restore).not.toHaveProperty("azureStorageBlobContainerUri");
    expect((await second.admin.json("GET", `/${AUTH}/roleDefinitions/${role}`)).status).toBe(200);
  });

  it("an HSM of another security domain cannot read the backup: the job fails and nothing changes", async () => {
    const first = await newHsm("bkpown");
    await activateHsm(first.admin);
    await customRole(first);
    const backup = await run(first, "POST", "/backup", { storageResourceUri: CONTAINER }, "backup");
    const folder = (backup.azureStorageBlobContainerUri ?? "").slice(CONTAINER.length + 1);

    const stranger = await newHsm("bkpother", first.tenantId);
    await activateHsm(stranger.admin);
    const before = (await stranger.admin.json<{ value: unknown[] }>("GET", `/${AUTH}/roleDefinitions`)).body.value.length;
    const restore = await run(stranger, "PUT", "/restore", { sasTokenParameters: { storageResourceUri: CONTAINER }, folderToRestore: folder }, "restore");
    expect([restore.status, restore.error?.code]).toEqual(["Failed", "InvalidBackup"]);
    expect((await stranger.admin.json<{ value: unknown[] }>("GET", `/${AUTH}/roleDefinitions`)).body.value.length).toBe(before);

    const missing = await run(first, "PUT", "/restore", { sasTokenParameters: { storageResourceUri: CONTAINER }, folderToRestore: "mhsm-none-2026" }, "restore");
    expect([missing.status, missing.error?.code]).toEqual(["Failed", "BackupNotFound"]);
    const noKey = await run(first, "PUT", "/keys/absent/restore", { sasTokenParameters: { storageResourceUri: CONTAINER }, folder }, "restore");
    expect([noKey.status, noKey.error?.code]).toEqual(["Failed", "KeyNotFound"]);
  });

  it("a tampered blob fails the whole restore", async () => {
    const first = await newHsm("bkptamper");
    const domain = await activateHsm(first.admin);
    await customRole(first);
    const folder = ((await run(first, "POST", "/backup", { storageResourceUri: CONTAINER }, "backup")).azureStorageBlobContainerUri ?? "").slice(CONTAINER.length + 1);
    const key = `${first.tenantId}/testbackups/hsmbackups/${folder}/rbac`;
    const sealed = new Uint8Array(await (await env.BACKUPS!.get(key))!.arrayBuffer());
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    await env.BACKUPS!.put(key, sealed);
    const second = await sameDomain(first, domain);
    const restore = await run(second, "PUT", "/restore", { sasTokenParameters: { storageResourceUri: CONTAINER }, folderToRestore: folder }, "restore");
    expect([restore.status, restore.error?.code]).toEqual(["Failed", "InvalidBackup"]);
    expect((await second.admin.json<{ value: { properties: { type: string } }[] }>("GET", `/${AUTH}/roleDefinitions`)).body.value.some((d) => d.properties.type === "CustomRole")).toBe(false);
  });

  it("a backup or a restore cut short by a restart runs again at the next alarm and finishes", async () => {
    const hsm = await newHsm("bkpcrash");
    const domain = await activateHsm(hsm.admin);
    const role = await customRole(hsm);
    const restart = () => expect(runInDurableObject(vaultObject(hsm.name), (_i, state) => state.abort("restart mid-job"))).rejects.toThrow();
    const started = await hsm.admin.json<Job>("POST", "/backup", { storageResourceUri: CONTAINER });
    await restart();
    await hsm.pinClock();
    expect((await hsm.admin.json<Job>("GET", `/backup/${started.body.jobId}/pending`)).body.status).toBe("InProgress");
    expect(await runDurableObjectAlarm(vaultObject(hsm.name))).toBe(true);
    const backup = (await hsm.admin.json<Job>("GET", `/backup/${started.body.jobId}/pending`)).body;
    expect(backup.status).toBe("Succeeded");

    const second = await sameDomain(hsm, domain);
    const body = { sasTokenParameters: { storageResourceUri: CONTAINER }, folderToRestore: (backup.azureStorageBlobContainerUri ?? "").slice(CONTAINER.length + 1) };
    const restoring = await second.admin.json<Job>("PUT", "/restore", body);
    await expect(runInDurableObject(vaultObject(second.name), (_i, state) => state.abort("restart mid-restore"))).rejects.toThrow();
    await second.pinClock();
    expect((await second.admin.json("GET", `/${AUTH}/roleDefinitions/${role}`)).status).toBe(404);
    expect(await runDurableObjectAlarm(vaultObject(second.name))).toBe(true);
    expect((await second.admin.json<Job>("GET", `/restore/${restoring.body.jobId}/pending`)).body.status).toBe("Succeeded");
    expect((await second.admin.json("GET", `/${AUTH}/roleDefinitions/${role}`)).status).toBe(200);
  });

  it("refuses what it cannot start with 400, and is a managed HSM's only", async () => {
    const hsm = await newHsm("bkpbad");
    await activateHsm(hsm.admin);
    for (const [method, path, body] of [
      ["POST", "/backup", { storageResourceUri: "https://elsewhere.blob.core.windows.net/c1" }],
      ["POST", "/backup", { storageResourceUri: "https://testbackups.blob.localhost:8443/Bad_Container" }],
      ["POST", "/backup", { storageResourceUri: 42 }],
      ["PUT", "/restore", { sasTokenParameters: { storageResourceUri: CONTAINER }, folderToRestore: "../other" }],
      ["PUT", "/restore", { folderToRestore: "x" }],
    ] as const) {
      const refused = await hsm.admin.json<{ error: { code: string } }>(method, path, body);
      expect([refused.status, refused.body.error.code]).toEqual([400, "BadParameter"]);
    }
    expect((await hsm.admin.json("GET", "/backup/0123456789abcdef0123456789abcdef/pending")).status).toBe(404);
    const tenantId = await createTenant();
    const name = uniqueVaultName("bkpvault");
    await vaultObject(name).create({ name, tenantId, retentionDays: 90, purgeProtection: false, sku: "premium" });
    const principal = await createPrincipal(tenantId);
    expect((await vaultClient(name, await tokenFor(principal.identityHeader as string)).json("POST", "/backup", { storageResourceUri: CONTAINER })).status).toBe(404);
  });
});
