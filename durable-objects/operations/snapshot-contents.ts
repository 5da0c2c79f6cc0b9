import type { AadVault } from "../../core/crypto/envelope/aad.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { base64ToBytes, bytesToBase64 } from "../../core/crypto/bytes.ts";
import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import { parseKeyProperties, serializeKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { SnapshotContents } from "../../core/contract/vault-snapshots.ts";
import { isVaultSku, type VaultConfig, type VaultSku } from "../../core/domain/vault/vault-config.ts";
import { SNAPSHOT_TABLES, readSettingColumns, readTable, type SnapshotTable, type TableRows } from "../storage/snapshot-tables.ts";
import { transformSealed } from "./snapshot-sealed-columns.ts";

/** A cell of the snapshot's JSON: bytes (opened values, public DER…) as base64. */
type Cell = string | number | null | { readonly b64: string };

/** What a snapshot's sealed blob holds (docs/vault-snapshots.md "Format"). */
export interface SnapshotPayload {
  readonly format: 1;
  readonly tenantId: string;
  readonly vault: string;
  readonly snapshotId: string;
  readonly created: number;
  readonly sku: VaultSku;
  readonly retentionDays: number;
  readonly purgeProtection: boolean;
  readonly settings: Readonly<Record<string, Cell>>;
  readonly tables: Readonly<Record<string, { readonly columns: readonly string[]; readonly rows: readonly Cell[][] }>>;
}

/** The vault's carried state, read in one synchronous pass (no await between reads: one consistent state). */
export interface VaultState {
  readonly tables: ReadonlyMap<SnapshotTable, TableRows>;
  readonly settings: Readonly<Record<string, SqlStorageValue>>;
}

export function readVaultState(sql: SqlStorage): VaultState {
  return { tables: new Map(SNAPSHOT_TABLES.map((t) => [t, readTable(sql, t)])), settings: readSettingColumns(sql) };
}

/**
 * HSM key versions a snapshot refers to (their token objects, never material): marked backed up, so no purge destroys
 * a token object the snapshot still needs (hsm-key-lifecycle.ts). Answers the marks, applied to the state too.
 */
export function markHsmReferences(state: VaultState): { state: VaultState; marks: { nameKey: string; version: string; props: string }[] } {
  const versions = state.tables.get("object_versions");
  if (versions === undefined) return { state, marks: [] };
  const at = (column: string) => versions.columns.indexOf(column);
  const marks: { nameKey: string; version: string; props: string }[] = [];
  const rows = versions.rows.map((row) => {
    if (row[at("kind")] !== "key") return row;
    const props = parseKeyProperties((row[at("props")] as string | null) ?? undefined);
    if (!AZURE_KEY_TYPES[props.kty].hsm || props.backedUp === true) return row;
    const marked = serializeKeyProperties({ ...props, backedUp: true });
    marks.push({ nameKey: row[at("name_key")] as string, version: row[at("version")] as string, props: marked });
    const copy = [...row];
    copy[at("props")] = marked;
    return copy;
  });
  return { state: { ...state, tables: new Map([...state.tables, ["object_versions", { columns: versions.columns, rows }]]) }, marks };
}

/** The payload of a snapshot of `state`, every sealed value opened under the source vault's data key. */
export async function payloadOf(state: VaultState, config: VaultConfig, dataKey: DataKey, snapshotId: string, created: number): Promise<SnapshotPayload> {
  const tables: Record<string, { columns: readonly string[]; rows: Cell[][] }> = {};
  for (const [table, rows] of state.tables) {
    const opened = await transformSealed(table, rows, config, (sealed, aad) => dataKey.open(sealed, aad));
    tables[table] = { columns: opened.columns, rows: opened.rows.map((row) => row.map(toCell)) };
  }
  const settings = Object.fromEntries(Object.entries(state.settings).map(([k, v]) => [k, toCell(v)]));
  const { tenantId, name, sku, retentionDays, purgeProtection } = config;
  return { format: 1, tenantId, vault: name.toLowerCase(), snapshotId, created, sku, retentionDays, purgeProtection, settings, tables };
}

/** The state to write into `target`, every value sealed under the target's data key with the target's AAD. */
export async function stateFor(payload: SnapshotPayload, target: AadVault, dataKey: DataKey): Promise<VaultState> {
  const tables = new Map<SnapshotTable, TableRows>();
  for (const table of SNAPSHOT_TABLES) {
    const given = payload.tables[table];
    if (given === undefined) continue;
    const rows = { columns: given.columns, rows: given.rows.map((row) => row.map(fromCell)) };
    tables.set(table, await transformSealed(table, rows, target, (plain, aad) => dataKey.seal(new Uint8Array(plain), aad)));
  }
  return { tables, settings: Object.fromEntries(Object.entries(payload.settings).map(([k, v]) => [k, fromCell(v)])) };
}

/** What a payload holds, counted for its summary. */
export function contentsOf(payload: SnapshotPayload): SnapshotContents {
  const objects = payload.tables.objects ?? { columns: [], rows: [] };
  const [kind, deletedAt] = [objects.columns.indexOf("kind"), objects.columns.indexOf("deleted_at")];
  const count = (k: string) => objects.rows.filter((r) => r[kind] === k).length;
  return {
    secrets: count("secret"),
    keys: count("key"),
    certificates: count("certificate"),
    deletedObjects: objects.rows.filter((r) => r[deletedAt] !== null).length,
    versions: payload.tables.object_versions?.rows.length ?? 0,
    roleAssignments: payload.tables.role_assignments?.rows.length ?? 0,
    eventSubscriptions: payload.tables.event_subscriptions?.rows.length ?? 0,
  };
}

/** The payload in an opened blob, or null when it is not one this format knows (checked even though authenticated). */
export function readPayload(json: string): SnapshotPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const p = value as Partial<SnapshotPayload> | null;
  if (p === null || typeof p !== "object" || p.format !== 1 || !isVaultSku(p.sku)) return null;
  if (typeof p.retentionDays !== "number" || typeof p.purgeProtection !== "boolean" || typeof p.settings !== "object" || p.settings === null) return null;
  if (typeof p.tables !== "object" || p.tables === null) return null;
  const known = new Set<string>(SNAPSHOT_TABLES);
  for (const [table, rows] of Object.entries(p.tables)) {
    if (!known.has(table) || !Array.isArray(rows.columns) || !Array.isArray(rows.rows)) return null;
    if (!rows.columns.every((c) => typeof c === "string" && /^[a-z_]+$/.test(c))) return null;
    if (!rows.rows.every((r) => Array.isArray(r) && r.length === rows.columns.length)) return null;
  }
  return p as SnapshotPayload;
}

function toCell(value: SqlStorageValue): Cell {
  if (value instanceof ArrayBuffer) return { b64: bytesToBase64(new Uint8Array(value)) };
  return value as string | number | null;
}

function fromCell(cell: Cell): SqlStorageValue {
  if (cell !== null && typeof cell === "object") return base64ToBytes(cell.b64).buffer as ArrayBuffer;
  return cell;
}
