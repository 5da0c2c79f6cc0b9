/** A numbered, append-only SQL migration (migrations/{object}/NNNN_name.sql). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row, so a
 * Durable Object either has a migration completely or not at all. Called from the object's
 * constructor inside blockConcurrencyWhile, before any request is served.
 */
export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[]): number {
  const sql = storage.sql;
  sql.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const row = sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations").one();
  const current = row.v ?? 0;
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  for (const migration of pending) {
    storage.transactionSync(() => {
      sql.exec(migration.sql);
      sql.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        migration.version,
        migration.name,
        Date.now(),
      );
    });
  }
  return pending.length;
}
