import type { SnapshotContents, SnapshotSummary, SnapshotTrigger } from "../../contract/vault-snapshots.ts";

/**
 * Where whole-vault snapshots live in the BACKUPS bucket: `vault-snapshots/{tenant}/{vault}/{snapshot id}`. Managed
 * HSM full backups live under `{tenant}/…` (hsm-backup-location.ts), and a tenant id is a GUID, so neither layout can
 * reach the other's keys; the tenant comes before the vault, so a listing never crosses tenants.
 */
export const SNAPSHOT_ROOT = "vault-snapshots/";

export function snapshotVaultPrefix(tenantId: string, vault: string): string {
  return `${SNAPSHOT_ROOT}${tenantId}/${vault.toLowerCase()}/`;
}

export function snapshotObjectKey(tenantId: string, vault: string, snapshotId: string): string {
  return `${snapshotVaultPrefix(tenantId, vault)}${snapshotId}`;
}

/**
 * The summary kept as the R2 object's custom metadata (plain: counts and times, nothing secret), so listing needs
 * no decryption.
 */
export function snapshotMetadata(summary: Omit<SnapshotSummary, "sizeInBytes">): Record<string, string> {
  return { created: String(summary.created), trigger: summary.trigger, sku: summary.sku, contents: JSON.stringify(summary.contents) };
}

/** The summary of a stored snapshot from its key, metadata and size; null for an object that is not one. */
export function summaryOfStored(key: string, metadata: Record<string, string> | undefined, size: number): SnapshotSummary | null {
  const parts = key.split("/");
  const [vault, id] = [parts[2], parts[3]];
  const created = Number(metadata?.created);
  const trigger = metadata?.trigger;
  if (vault === undefined || id === undefined || !Number.isSafeInteger(created) || (trigger !== "manual" && trigger !== "scheduled")) return null;
  let contents: SnapshotContents;
  try {
    contents = JSON.parse(metadata?.contents ?? "") as SnapshotContents;
  } catch {
    return null;
  }
  return { id, vault, created, trigger: trigger satisfies SnapshotTrigger, sku: metadata?.sku ?? "", sizeInBytes: size, contents };
}

/** The part of an R2 bucket a listing needs (structural, so core names no runtime type). */
export interface SnapshotListingBucket {
  list(options: { prefix: string; cursor?: string; include: ("customMetadata" | "httpMetadata")[] }): Promise<{
    objects: { key: string; size: number; customMetadata?: Record<string, string> }[];
    truncated: boolean;
    cursor?: string;
  }>;
}

/** Every snapshot of the vault in the tenant's prefix, newest first. */
export async function listSnapshots(bucket: SnapshotListingBucket, tenantId: string, vault: string): Promise<SnapshotSummary[]> {
  const found: SnapshotSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: snapshotVaultPrefix(tenantId, vault), include: ["customMetadata"], ...(cursor === undefined ? {} : { cursor }) });
    for (const o of page.objects) {
      const summary = summaryOfStored(o.key, o.customMetadata, o.size);
      if (summary !== null) found.push(summary);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor !== undefined);
  return found.sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
}
