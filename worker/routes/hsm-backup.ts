import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { HsmJobView } from "../../core/contract/managed-hsm-backup.ts";
import { callVault } from "../clients/call-vault.ts";
import { managedHsmOnly } from "../middleware/managed-hsm-only.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { assertJobId, backupInput, backupOperationBody, restoreInput, restoreOperationBody } from "../wire/hsm-backup-wire.ts";
import { readJsonObject } from "../wire/json-body.ts";

/**
 * A managed HSM's full backup, full restore and selective key restore (backuprestore.json, api-version 7.2 on;
 * docs/managed-hsm.md "Backup and restore"). Each start is 202 with the job InProgress, `Azure-AsyncOperation`
 * naming `/backup/{jobId}/pending` or `/restore/{jobId}/pending` (also for a selective restore, as Azure's SDKs resume
 * it; with the request's api-version, which this server requires) and `Retry-After` in whole seconds (Python's
 * administration client reads it as an integer).
 */
export const hsmBackupRoutes = new Hono<AppEnv>({ strict: false });

const POLL_AFTER_SECONDS = "1";

// `/keys/{name}/restore` only for its PUT: on a vault, other methods of that path are the keys' own (a version named so).
for (const path of ["/backup", "/backup/*", "/prebackup", "/restore", "/restore/*", "/prerestore"]) {
  hsmBackupRoutes.use(path, managedHsmOnly);
}

function accepted(c: Context<AppEnv>, collection: "backup" | "restore", job: HsmJobView, body: unknown): Response {
  const version = encodeURIComponent(c.get("apiVersion"));
  c.header("Azure-AsyncOperation", `${c.get("vaultBaseUrl")}/${collection}/${job.jobId}/pending?api-version=${version}`);
  c.header("Retry-After", POLL_AFTER_SECONDS);
  return c.json(body, 202);
}

hsmBackupRoutes.post("/backup", operation("hsm.startBackup"), async (c) => {
  const location = backupInput(await readJsonObject(c), c.env);
  const job = await callVault(c, { kind: "hsm.startBackup", location });
  return accepted(c, "backup", job, backupOperationBody(job));
});

hsmBackupRoutes.post("/prebackup", operation("hsm.preBackup"), async (c) => {
  const location = backupInput(await readJsonObject(c), c.env);
  const job = await callVault(c, { kind: "hsm.preBackup", location });
  return accepted(c, "backup", job, backupOperationBody(job));
});

/** A poll of a running job says when to poll again (Python's poller otherwise waits 5 s). */
function polled(c: Context<AppEnv>, job: HsmJobView, body: unknown): Response {
  if (job.status === "InProgress") c.header("Retry-After", POLL_AFTER_SECONDS);
  return c.json(body);
}

hsmBackupRoutes.get("/backup/:jobId/pending", operation("hsm.backupStatus"), async (c) => {
  const job = await callVault(c, { kind: "hsm.backupStatus", jobId: assertJobId(c.req.param("jobId")) });
  return polled(c, job, backupOperationBody(job));
});

hsmBackupRoutes.put("/restore", operation("hsm.startRestore"), async (c) => {
  const input = restoreInput(await readJsonObject(c), c.env, "folderToRestore");
  const job = await callVault(c, { kind: "hsm.startRestore", ...input });
  return accepted(c, "restore", job, restoreOperationBody(job));
});

hsmBackupRoutes.put("/prerestore", operation("hsm.preRestore"), async (c) => {
  const input = restoreInput(await readJsonObject(c), c.env, "folderToRestore");
  const job = await callVault(c, { kind: "hsm.preRestore", ...input });
  return accepted(c, "restore", job, restoreOperationBody(job));
});

hsmBackupRoutes.put("/keys/:name/restore", operation("hsm.startKeyRestore"), managedHsmOnly, async (c) => {
  const keyName = assertObjectName(c.req.param("name"));
  const input = restoreInput(await readJsonObject(c), c.env, "folder");
  const job = await callVault(c, { kind: "hsm.startKeyRestore", keyName, ...input });
  return accepted(c, "restore", job, restoreOperationBody(job));
});

hsmBackupRoutes.get("/restore/:jobId/pending", operation("hsm.restoreStatus"), async (c) => {
  const job = await callVault(c, { kind: "hsm.restoreStatus", jobId: assertJobId(c.req.param("jobId")) });
  return polled(c, job, restoreOperationBody(job));
});
