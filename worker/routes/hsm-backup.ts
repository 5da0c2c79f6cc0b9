import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { managedHsmOnly } from "../middleware/managed-hsm-only.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { assertJobId, backupInput, backupOperationBody, restoreInput, restoreOperationBody } from "../wire/hsm-backup-wire.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { acceptedAsync, polled } from "../wire/async-operation.ts";

/**
 * A managed HSM's full backup, full restore and selective key restore (backuprestore.json, api-version 7.2 on;
 * docs/managed-hsm.md "Backup and restore"). Each start is 202 with the job InProgress (wire/async-operation.ts),
 * its status at `/backup/{jobId}/pending` or `/restore/{jobId}/pending` (also for a selective restore, as Azure's SDKs
 * resume it).
 */
export const hsmBackupRoutes = new Hono<AppEnv>({ strict: false });

// `/keys/{name}/restore` only for its PUT: on a vault, other methods of that path are the keys' own (a version named so).
for (const path of ["/backup", "/backup/*", "/prebackup", "/restore", "/restore/*", "/prerestore"]) {
  hsmBackupRoutes.use(path, managedHsmOnly);
}

hsmBackupRoutes.post("/backup", operation("hsm.startBackup"), async (c) => {
  const location = backupInput(await readJsonObject(c), c.env);
  const job = await callVault(c, { kind: "hsm.startBackup", location });
  return acceptedAsync(c, `backup/${job.jobId}/pending`, backupOperationBody(job));
});

hsmBackupRoutes.post("/prebackup", operation("hsm.preBackup"), async (c) => {
  const location = backupInput(await readJsonObject(c), c.env);
  const job = await callVault(c, { kind: "hsm.preBackup", location });
  return acceptedAsync(c, `backup/${job.jobId}/pending`, backupOperationBody(job));
});

hsmBackupRoutes.get("/backup/:jobId/pending", operation("hsm.backupStatus"), async (c) => {
  const job = await callVault(c, { kind: "hsm.backupStatus", jobId: assertJobId(c.req.param("jobId")) });
  return polled(c, job.status === "InProgress", backupOperationBody(job));
});

hsmBackupRoutes.put("/restore", operation("hsm.startRestore"), async (c) => {
  const input = restoreInput(await readJsonObject(c), c.env, "folderToRestore");
  const job = await callVault(c, { kind: "hsm.startRestore", ...input });
  return acceptedAsync(c, `restore/${job.jobId}/pending`, restoreOperationBody(job));
});

hsmBackupRoutes.put("/prerestore", operation("hsm.preRestore"), async (c) => {
  const input = restoreInput(await readJsonObject(c), c.env, "folderToRestore");
  const job = await callVault(c, { kind: "hsm.preRestore", ...input });
  return acceptedAsync(c, `restore/${job.jobId}/pending`, restoreOperationBody(job));
});

hsmBackupRoutes.put("/keys/:name/restore", operation("hsm.startKeyRestore"), managedHsmOnly, async (c) => {
  const keyName = assertObjectName(c.req.param("name"));
  const input = restoreInput(await readJsonObject(c), c.env, "folder");
  const job = await callVault(c, { kind: "hsm.startKeyRestore", keyName, ...input });
  return acceptedAsync(c, `restore/${job.jobId}/pending`, restoreOperationBody(job));
});

hsmBackupRoutes.get("/restore/:jobId/pending", operation("hsm.restoreStatus"), async (c) => {
  const job = await callVault(c, { kind: "hsm.restoreStatus", jobId: assertJobId(c.req.param("jobId")) });
  return polled(c, job.status === "InProgress", restoreOperationBody(job));
});
