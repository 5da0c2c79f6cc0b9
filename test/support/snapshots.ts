import { env } from "cloudflare:test";
import { expect } from "vitest";
import { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import { openSnapshot, sealSnapshot } from "../../core/crypto/envelope/snapshot-seal.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { snapshotObjectKey } from "../../core/domain/vault/snapshot-location.ts";
import { admin } from "./fixture.ts";

/** A snapshot as the admin API answers it. */
export interface SnapshotJson {
  id: string;
  name: string;
  vault: string;
  status: string;
  created: string;
  trigger: "manual" | "scheduled";
  sizeInBytes: number;
  contents: Record<string, number>;
}

export const snapshotsPath = (tenantId: string, vault: string) => `/tenants/${tenantId}/vaults/${vault}/snapshots`;

/** Takes a snapshot through the admin API; fails the test unless it is answered 201. */
export async function takeSnapshot(tenantId: string, vault: string): Promise<SnapshotJson> {
  const response = await admin("POST", snapshotsPath(tenantId, vault));
  const body = (await response.json()) as SnapshotJson;
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body;
}

export function restoreSnapshot(tenantId: string, vault: string, snapshotId: string, body: unknown): Promise<Response> {
  return admin("POST", `${snapshotsPath(tenantId, vault)}/${snapshotId}/restore`, body);
}

export async function listSnapshotsOf(tenantId: string, vault: string): Promise<SnapshotJson[]> {
  const response = await admin("GET", snapshotsPath(tenantId, vault));
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: SnapshotJson[] }).value;
}

/** The snapshot's raw bytes as stored in R2. */
export async function rawSnapshot(tenantId: string, vault: string, snapshotId: string): Promise<Uint8Array> {
  const stored = await env.BACKUPS?.get(snapshotObjectKey(tenantId, vault, snapshotId));
  if (stored === null || stored === undefined) throw new Error("snapshot not in R2");
  return new Uint8Array(await stored.arrayBuffer());
}

export async function putRawSnapshot(tenantId: string, vault: string, snapshotId: string, bytes: Uint8Array, trigger = "manual"): Promise<void> {
  await env.BACKUPS?.put(snapshotObjectKey(tenantId, vault, snapshotId), bytes, {
    customMetadata: { created: "1", trigger, sku: "standard", contents: "{}" },
  });
}

/**
 * Opens a stored snapshot with the test root key, lets `edit` change its contents, and seals it again as the service
 * would: a snapshot that authenticates but whose rows are what the test wants (a row that violates a constraint).
 */
export async function rewriteSnapshot(tenantId: string, vault: string, snapshotId: string, edit: (payload: Payload) => void): Promise<void> {
  const root = RootKeyRing.fromEnv(env);
  const scope = { tenantId, name: vault, snapshotId };
  const opened = await openSnapshot(root, scope, await rawSnapshot(tenantId, vault, snapshotId));
  if (opened === null) throw new Error("snapshot does not open");
  const payload = JSON.parse(new TextDecoder().decode(opened)) as Payload;
  edit(payload);
  await putRawSnapshot(tenantId, vault, snapshotId, await sealSnapshot(root, scope, utf8(JSON.stringify(payload))));
}

export interface Payload {
  tables: Record<string, { columns: string[]; rows: unknown[][] }>;
}
