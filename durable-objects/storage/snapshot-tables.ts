/**
 * The SQL of whole-vault snapshots (docs/vault-snapshots.md "What a snapshot holds"): which of the vault's tables a
 * snapshot carries, read as they are and written back all at once. Which columns are ciphertext, and how they are
 * re-sealed, is operations/snapshot-sealed-columns.ts.
 */

/** Tables a snapshot carries, parents first: a restore deletes them in reverse order and inserts in this one. */
export const SNAPSHOT_TABLES = [
  "objects",
  "object_versions",
  "object_tags",
  "key_rotation_policies",
  "expiry_triggers",
  "custom_role_copies",
  "role_assignments",
  "event_subscriptions",
  "certificate_policies",
  "certificate_operations",
  "certificate_contacts",
  "certificate_issuers",
  "policy_assignments",
] as const;

export type SnapshotTable = (typeof SNAPSHOT_TABLES)[number];

/**
 * Rows of a carried table a snapshot leaves to the vault it is restored into: the copies of the tenant's policy
 * assignments are the tenant's current ones (pushed to every vault of it), not the ones in force when it was taken.
 */
const CARRIED_ROWS: Partial<Record<SnapshotTable, string>> = { policy_assignments: "scope = 'vault'" };

const whereCarried = (table: SnapshotTable): string => (CARRIED_ROWS[table] === undefined ? "" : ` WHERE ${CARRIED_ROWS[table]}`);

/**
 * Every other table of a vault and why a snapshot leaves it out; test/do/vault-snapshot-tables.test.ts fails when a
 * migration adds a table listed in neither, so a new table is a decision, not an omission.
 */
export const SNAPSHOT_EXCLUDED_TABLES: Readonly<Record<string, string>> = {
  vault: "its settings columns are carried (SNAPSHOT_SETTING_COLUMNS); name, tenant, data key and soft-delete marks stay the target's",
  schema_migrations: "the target's own schema",
  throttle_windows: "counters of the current 10-second window",
  throttle_usage: "the throttle's finished windows: the usage of the vault it was taken from, not of the target",
  audit_log: "the record of requests that happened; a restore does not rewrite history",
  event_deliveries: "the outbox of events already raised; restoring it would deliver them again",
  release_nonces: "spent key-release nonces, kept only until their tokens expire",
  hsm_pending_keys: "bridge calls in flight, replayed by the source's own alarm",
  hsm_jobs: "a managed HSM's backup jobs (managed HSMs are not snapshotted: they have full backups)",
  hsm_role_definitions: "a managed HSM's (not snapshotted)",
  hsm_settings: "a managed HSM's (not snapshotted)",
};

/** The `vault` row's columns a snapshot carries: what an operator or tenant admin set on the vault. */
export const SNAPSHOT_SETTING_COLUMNS = [
  "throttle_limits",
  "audit_retention_days",
  "long_running_operations",
  "edge_cache",
  "public_jwks",
  "network_acls",
  "cors",
  "enable_rbac_authorization",
  "access_policies",
] as const;

export interface TableRows {
  readonly columns: readonly string[];
  readonly rows: readonly SqlStorageValue[][];
}

/** One table as it is, every row and column (read synchronously with the others: one consistent state). */
export function readTable(sql: SqlStorage, table: SnapshotTable): TableRows {
  const cursor = sql.exec(`SELECT * FROM ${table}${whereCarried(table)}`);
  const rows = [...cursor.raw()];
  return { columns: cursor.columnNames, rows };
}

/** The vault row's setting columns. */
export function readSettingColumns(sql: SqlStorage): Record<string, SqlStorageValue> {
  return sql.exec<Record<string, SqlStorageValue>>(`SELECT ${SNAPSHOT_SETTING_COLUMNS.join(", ")} FROM vault`).one();
}

/** The tables a vault's database holds (Cloudflare's and SQLite's own left out). */
export function vaultTableNames(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
    .toArray()
    .map((row) => row.name);
}

function columnsOf(sql: SqlStorage, table: string): Set<string> {
  return new Set(sql.exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table).toArray().map((row) => row.name));
}

/**
 * Replaces the carried tables and settings with `tables` and `settings`. Call inside one transactionSync: a failure
 * at any row (a constraint, a column this schema lacks) throws and leaves every table as it was.
 */
export function replaceTables(sql: SqlStorage, tables: ReadonlyMap<SnapshotTable, TableRows>, settings: Readonly<Record<string, SqlStorageValue>>): void {
  for (const table of [...SNAPSHOT_TABLES].reverse()) sql.exec(`DELETE FROM ${table}${whereCarried(table)}`);
  for (const table of SNAPSHOT_TABLES) {
    const given = tables.get(table);
    if (given === undefined || given.rows.length === 0) continue;
    const known = columnsOf(sql, table);
    const stray = given.columns.find((column) => !known.has(column));
    if (stray !== undefined) throw new Error(`the snapshot's ${table} has a column this vault lacks: ${stray}`);
    const insert = `INSERT INTO ${table} (${given.columns.join(", ")}) VALUES (${given.columns.map(() => "?").join(", ")})`;
    for (const row of given.rows) sql.exec(insert, ...row);
  }
  const known = columnsOf(sql, "vault");
  const columns = SNAPSHOT_SETTING_COLUMNS.filter((column) => column in settings && known.has(column));
  if (columns.length > 0) sql.exec(`UPDATE vault SET ${columns.map((c) => `${c} = ?`).join(", ")}`, ...columns.map((c) => settings[c] ?? null));
}

/** Marks key versions' properties (HSM references now held by a snapshot, hsm-key-lifecycle.ts `backedUp`). */
export function setVersionProps(sql: SqlStorage, updates: readonly { nameKey: string; version: string; props: string }[]): void {
  for (const u of updates) sql.exec("UPDATE object_versions SET props = ? WHERE kind = 'key' AND name_key = ? AND version = ?", u.props, u.nameKey, u.version);
}
