import type { HsmJob } from "../storage/hsm-job-repository.ts";

/**
 * Where a managed HSM's backup blobs are kept: this deployment's R2 bucket (binding BACKUPS; Miniflare's R2 under
 * `npm run dev` and the tests), each blob under `{tenant}/{account}/{container}/{folder}/{blob}` — the tenant first,
 * so no tenant reads, lists or overwrites another's, whatever container URI it names (docs/managed-hsm.md).
 */
export interface BackupBucket {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
}

export function r2BackupBucket(bucket: R2Bucket): BackupBucket {
  return {
    async put(key, bytes) {
      await bucket.put(key, bytes);
    },
    async get(key) {
      const object = await bucket.get(key);
      return object === null ? null : new Uint8Array(await object.arrayBuffer());
    },
  };
}

export function backupBlobKey(tenantId: string, job: Pick<HsmJob, "account" | "container" | "folder">, blob: string): string {
  return `${tenantId}/${job.account}/${job.container}/${job.folder}/${blob}`;
}
