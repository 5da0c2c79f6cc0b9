import type { RootKeyHolder, RootKeyHolderKind } from "../../core/contract/root-keys.ts";
import type { VaultPlacement } from "../../core/domain/vault/placement.ts";

/** A root-key sweep (registry migration 0005). Times in Unix ms. */
export interface RootKeySweepRow {
  readonly id: number;
  readonly target: number;
  readonly hsmKeks: boolean;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

/** A holder the sweep visits next; a soft-deleted vault carries the placement its deletion recorded. */
export interface DueHolder {
  readonly kind: RootKeyHolderKind;
  readonly nameKey: string;
  readonly deletedPlacement: VaultPlacement | undefined;
}

/** `root_version` 0: the name holds no data key (a reservation whose vault was never made); it needs no version. */
export const HOLDS_NO_KEY = 0;

type HolderRow = { kind: RootKeyHolderKind; name_key: string; root_version: number | null; last_error: string | null };
const holderOf = (r: HolderRow): RootKeyHolder => ({ kind: r.kind, name: r.name_key, rootVersion: r.root_version, lastError: r.last_error });

/** The registry's root-key rotation state: sweeps, holders and retired versions. All its SQL. */
export class RootKeyRepository {
  constructor(private readonly sql: SqlStorage) {}

  retired(): number[] {
    return this.sql.exec<{ v: number }>("SELECT version AS v FROM retired_root_keys ORDER BY version").toArray().map((r) => r.v);
  }

  retire(version: number, atMs: number): void {
    this.sql.exec("INSERT OR IGNORE INTO retired_root_keys (version, retired_at) VALUES (?, ?)", version, atMs);
  }

  latestSweep(): RootKeySweepRow | null {
    const row = this.sql
      .exec<{ id: number; target: number; hsm_keks: number; started_at: number; finished_at: number | null }>(
        "SELECT id, target, hsm_keks, started_at, finished_at FROM root_key_sweeps ORDER BY id DESC LIMIT 1",
      )
      .toArray()[0];
    return row === undefined
      ? null
      : { id: row.id, target: row.target, hsmKeks: row.hsm_keks === 1, startedAt: row.started_at, finishedAt: row.finished_at };
  }

  startSweep(target: number, hsmKeks: boolean, atMs: number): void {
    this.sql.exec("INSERT INTO root_key_sweeps (target, hsm_keks, started_at) VALUES (?, ?, ?)", target, hsmKeks ? 1 : 0, atMs);
  }

  finishSweep(id: number, atMs: number): void {
    this.sql.exec("UPDATE root_key_sweeps SET finished_at = ? WHERE id = ? AND finished_at IS NULL", atMs, id);
  }

  /** Every tenant and vault name the registry holds becomes a holder (not yet asked); those gone are dropped. */
  syncHolders(): void {
    this.sql.exec("INSERT OR IGNORE INTO root_key_holders (kind, name_key) SELECT 'tenant', id FROM tenants");
    this.sql.exec("INSERT OR IGNORE INTO root_key_holders (kind, name_key) SELECT 'vault', name_key FROM vault_names");
    this.sql.exec("DELETE FROM root_key_holders WHERE kind = 'tenant' AND name_key NOT IN (SELECT id FROM tenants)");
    this.sql.exec("DELETE FROM root_key_holders WHERE kind = 'vault' AND name_key NOT IN (SELECT name_key FROM vault_names)");
  }

  /** Holders the sweep has not moved and may try now, tenants first, by name. */
  due(sweep: number, nowMs: number, limit: number): DueHolder[] {
    return this.sql
      .exec<{ kind: RootKeyHolderKind; name_key: string; deleted_vault: string | null }>(
        `SELECT h.kind, h.name_key, v.deleted_vault FROM root_key_holders h
         LEFT JOIN vault_names v ON h.kind = 'vault' AND v.name_key = h.name_key
         WHERE h.swept < ? AND (h.retry_at IS NULL OR h.retry_at <= ?) ORDER BY h.kind, h.name_key LIMIT ?`,
        sweep,
        nowMs,
        limit,
      )
      .toArray()
      .map((r) => ({
        kind: r.kind,
        nameKey: r.name_key,
        deletedPlacement: r.deleted_vault === null ? undefined : (JSON.parse(r.deleted_vault) as { placement?: VaultPlacement }).placement,
      }));
  }

  /** When the sweep next has work (Unix ms): now if any holder may be tried, else the earliest retry; null when done. */
  nextDueMs(sweep: number, nowMs: number): number | null {
    return this.sql
      .exec<{ t: number | null }>("SELECT MIN(MAX(COALESCE(retry_at, 0), ?)) AS t FROM root_key_holders WHERE swept < ?", nowMs, sweep)
      .one().t;
  }

  moved(kind: RootKeyHolderKind, nameKey: string, rootVersion: number, sweep: number): void {
    this.sql.exec(
      "UPDATE root_key_holders SET root_version = ?, swept = ?, last_error = NULL, retry_at = NULL WHERE kind = ? AND name_key = ?",
      rootVersion,
      sweep,
      kind,
      nameKey,
    );
  }

  failed(kind: RootKeyHolderKind, nameKey: string, error: string, retryAtMs: number): void {
    this.sql.exec("UPDATE root_key_holders SET last_error = ?, retry_at = ? WHERE kind = ? AND name_key = ?", error, retryAtMs, kind, nameKey);
  }

  counts(sweep: number): { moved: number; remaining: number } {
    return this.sql
      .exec<{ moved: number; remaining: number }>(
        "SELECT COALESCE(SUM(swept >= ?), 0) AS moved, COALESCE(SUM(swept < ?), 0) AS remaining FROM root_key_holders",
        sweep,
        sweep,
      )
      .one();
  }

  remaining(sweep: number, limit: number): RootKeyHolder[] {
    return this.sql
      .exec<HolderRow>("SELECT kind, name_key, root_version, last_error FROM root_key_holders WHERE swept < ? ORDER BY kind, name_key LIMIT ?", sweep, limit)
      .toArray()
      .map(holderOf);
  }

  /** Holders whose data key may still be under `version`: reported under it, or never asked. */
  needing(version: number, limit: number): { holders: RootKeyHolder[]; count: number } {
    const where = "WHERE root_version IS NULL OR root_version = ?";
    const count = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM root_key_holders ${where}`, version).one().n;
    const holders = this.sql
      .exec<HolderRow>(`SELECT kind, name_key, root_version, last_error FROM root_key_holders ${where} ORDER BY kind, name_key LIMIT ?`, version, limit)
      .toArray()
      .map(holderOf);
    return { holders, count };
  }
}
