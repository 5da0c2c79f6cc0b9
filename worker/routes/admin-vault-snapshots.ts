import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { registryStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { forgetVault, vaultStub } from "../clients/vault-stub.ts";
import { forgetRequestSettings } from "../clients/vault-request-settings.ts";
import { registerVaultWithTenant } from "../clients/policy-push.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { RETENTION_DEFAULT_DAYS, type VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { listSnapshots, snapshotObjectKey, summaryOfStored } from "../../core/domain/vault/snapshot-location.ts";
import type { SnapshotSummary } from "../../core/contract/vault-snapshots.ts";
import type { ScheduledSnapshots } from "../../core/domain/vault/snapshot-schedule.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { assertVaultName } from "../wire/vault-name.ts";
import { assertSnapshotId, pointInTimeInput, restoreTargetInput, snapshotJson, snapshotScheduleInput } from "../wire/vault-snapshot-input.ts";
import { requireTenant } from "./admin-tenants.ts";
import { requireVault, vaultView } from "./admin-vaults.ts";

/**
 * Whole-vault snapshots (docs/vault-snapshots.md), for the operator and the vault's tenant admins. Taking one is done
 * inline and answered 201 with the finished snapshot (status Succeeded): nothing to poll. Listing, reading, deleting
 * and restoring into a new vault need only the tenant, so a vault's snapshots still serve after the vault is purged.
 */
export const adminVaultSnapshotRoutes = new Hono<AppEnv>({ strict: false });

function bucketOf(env: Env): R2Bucket {
  if (env.BACKUPS === undefined) throw new VaultError("ServiceUnavailable", "This deployment has no BACKUPS bucket, so vault snapshots are not available.");
  return env.BACKUPS;
}

const notFound = (id: string): VaultError => new VaultError("NotFound", `The snapshot '${id}' was not found.`);

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotCreate", async (c) => {
  const tenantId = c.req.param("tenantId");
  const config = await requireVault(c.env, tenantId, c.req.param("name"));
  const taken = unwrap(await vaultStub(c.env, config).manageSnapshots({ kind: "take" })) as SnapshotSummary;
  const body = snapshotJson(tenantId, taken);
  return c.json(body, 201, { Location: `/admin${body.id}` });
});

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const snapshots = await listSnapshots(bucketOf(c.env), tenantId, assertVaultName(c.req.param("name")));
  return c.json({ value: snapshots.map((s) => snapshotJson(tenantId, s)) });
});

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const id = assertSnapshotId(c.req.param("snapshotId"));
  const key = snapshotObjectKey(tenantId, assertVaultName(c.req.param("name")), id);
  const head = await bucketOf(c.env).head(key);
  const summary = head === null ? null : summaryOfStored(key, head.customMetadata, head.size);
  if (summary === null) throw notFound(id);
  return c.json(snapshotJson(tenantId, summary));
});

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const id = assertSnapshotId(c.req.param("snapshotId"));
  const key = snapshotObjectKey(tenantId, assertVaultName(c.req.param("name")), id);
  const bucket = bucketOf(c.env);
  if ((await bucket.head(key)) === null) throw notFound(id);
  await bucket.delete(key);
  return c.body(null, 204);
});

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotRestore", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const source = assertVaultName(c.req.param("name"));
  const snapshotId = assertSnapshotId(c.req.param("snapshotId"));
  const target = restoreTargetInput(await readJsonObject(c), source);
  if (target.kind === "inPlace") {
    const config = await requireVault(c.env, tenantId, source);
    const restored = unwrap(await vaultStub(c.env, config).manageSnapshots({ kind: "restoreInPlace", snapshotId })) as SnapshotSummary;
    forgetRequestSettings(config.name);
    return c.json({ restoredInto: config.name, snapshot: snapshotJson(tenantId, restored) });
  }
  return c.json(await vaultView(c.env, await restoreIntoNewVault(c.env, tenantId, target.name, { vault: source, snapshotId })), 201);
});

/**
 * A new vault of the tenant made from the snapshot, its name reserved as a PUT reserves it and released on any
 * failure; the vault object makes the vault and its contents in one transaction (snapshot-admin.ts), so a failed
 * restore leaves neither a vault nor a held name. It is made in the default placement.
 */
async function restoreIntoNewVault(env: Env, tenantId: string, name: string, source: { vault: string; snapshotId: string }): Promise<VaultConfig> {
  const registry = registryStub(env);
  unwrap(await registry.reserveVaultName(name, tenantId));
  // Sku, retention and purge protection are the snapshot's; these are placeholders the vault object replaces.
  const settings = { name, tenantId, retentionDays: RETENTION_DEFAULT_DAYS, purgeProtection: false, sku: "standard" } as const;
  const created = await vaultStub(env, name)
    .manageSnapshots({ kind: "createFrom", settings, source })
    .catch(async (err: unknown) => {
      await registry.releaseVaultName(name);
      throw err;
    });
  if (!created.ok) await registry.releaseVaultName(name);
  const config = unwrap(created) as VaultConfig;
  forgetVault(name);
  await registerVaultWithTenant(env, tenantId, config);
  return config;
}

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotScheduleGet", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const schedule = unwrap(await vaultStub(c.env, config).manageSnapshots({ kind: "schedule" })) as ScheduledSnapshots | null;
  if (schedule === null) throw new VaultError("NotFound", `The vault '${config.name}' has no snapshot schedule.`);
  return c.json(scheduleJson(schedule));
});

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotSchedulePut", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  bucketOf(c.env);
  const schedule = snapshotScheduleInput(await readJsonObject(c));
  const set = unwrap(await vaultStub(c.env, config).manageSnapshots({ kind: "setSchedule", schedule })) as ScheduledSnapshots;
  return c.json(scheduleJson(set));
});

adminRoute(adminVaultSnapshotRoutes, "VaultSnapshotScheduleDelete", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  unwrap(await vaultStub(c.env, config).manageSnapshots({ kind: "setSchedule", schedule: null }));
  return c.body(null, 204);
});

const scheduleJson = (s: ScheduledSnapshots) => ({ intervalHours: s.intervalHours, retain: s.retain, nextRunAt: new Date(s.nextRunAt * 1000).toISOString() });

/**
 * Point-in-time restore of the vault's object (docs/vault-snapshots.md "Point in time"): where the storage back-end
 * has it, the bookmark is booked and the object's session ended, so its next request meets the vault as it was at
 * `time`; elsewhere (local workerd) a 400 naming why.
 */
adminRoute(adminVaultSnapshotRoutes, "VaultPointInTimeRestore", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const atMs = pointInTimeInput(await readJsonObject(c), config.name);
  const stub = vaultStub(c.env, config);
  const booked = unwrap(await stub.manageSnapshots({ kind: "pointInTime", atMs })) as { bookmark: string };
  // The abort ends the object's session, which the caller sees as this call failing: expected, so not rethrown.
  await stub.manageSnapshots({ kind: "endSession" }).catch(() => undefined);
  forgetVault(config.name);
  forgetRequestSettings(config.name);
  return c.json({ vault: config.name, time: new Date(atMs).toISOString(), bookmark: booked.bookmark, status: "Succeeded" });
});
