import type { TenantInfo } from "../../core/domain/identity/principal.ts";
import type { DeletedVault } from "../../core/domain/vault/deleted-vault.ts";

type DeletedRow = { deleted_vault: string; deleted_at: number; scheduled_purge_at: number };

const deletedOf = (row: DeletedRow): DeletedVault => ({
  ...(JSON.parse(row.deleted_vault) as DeletedVault),
  deletedAt: row.deleted_at,
  scheduledPurgeAt: row.scheduled_purge_at,
});

/** Tenants, globally unique vault names and operator settings. All SQL of the registry object. */
export class RegistryRepository {
  constructor(private readonly sql: SqlStorage) {}

  insertTenant(t: TenantInfo): void {
    this.sql.exec("INSERT INTO tenants (id, display_name, created) VALUES (?, ?, ?)", t.id, t.displayName, t.created);
  }

  tenants(): TenantInfo[] {
    return this.sql
      .exec<{ id: string; display_name: string; created: number }>("SELECT id, display_name, created FROM tenants ORDER BY created, id")
      .toArray()
      .map((r) => ({ id: r.id, displayName: r.display_name, created: r.created }));
  }

  deleteTenant(id: string): boolean {
    return this.sql.exec("DELETE FROM tenants WHERE id = ?", id).rowsWritten > 0;
  }

  vaultOwner(nameKey: string): string | null {
    const row = this.sql.exec<{ tenant_id: string }>("SELECT tenant_id FROM vault_names WHERE name_key = ?", nameKey).toArray()[0];
    return row?.tenant_id ?? null;
  }

  reserveVault(nameKey: string, tenantId: string, created: number): boolean {
    return (
      this.sql.exec("INSERT OR IGNORE INTO vault_names (name_key, tenant_id, created) VALUES (?, ?, ?)", nameKey, tenantId, created)
        .rowsWritten > 0
    );
  }

  releaseVault(nameKey: string): void {
    this.sql.exec("DELETE FROM vault_names WHERE name_key = ?", nameKey);
  }

  /** Whether the name is held by a soft-deleted vault (registry migration 0004). */
  isDeleted(nameKey: string): boolean {
    return this.sql.exec("SELECT 1 FROM vault_names WHERE name_key = ? AND deleted_at IS NOT NULL", nameKey).toArray().length > 0;
  }

  /** Marks the tenant's live vault deleted; false when the name is not that tenant's live vault. */
  markDeleted(vault: DeletedVault): boolean {
    const { deletedAt, scheduledPurgeAt, ...kept } = vault;
    return (
      this.sql.exec(
        "UPDATE vault_names SET deleted_at = ?, scheduled_purge_at = ?, deleted_vault = ? WHERE name_key = ? AND tenant_id = ? AND deleted_at IS NULL",
        deletedAt,
        scheduledPurgeAt,
        JSON.stringify(kept),
        vault.name.toLowerCase(),
        vault.tenantId,
      ).rowsWritten > 0
    );
  }

  /** The tenant's deleted vault of this name becomes live again; false when there is none. */
  unmarkDeleted(nameKey: string, tenantId: string): boolean {
    return (
      this.sql.exec(
        "UPDATE vault_names SET deleted_at = NULL, scheduled_purge_at = NULL, deleted_vault = NULL WHERE name_key = ? AND tenant_id = ? AND deleted_at IS NOT NULL",
        nameKey,
        tenantId,
      ).rowsWritten > 0
    );
  }

  deletedVault(nameKey: string): DeletedVault | null {
    const row = this.sql
      .exec<DeletedRow>("SELECT deleted_vault, deleted_at, scheduled_purge_at FROM vault_names WHERE name_key = ? AND deleted_at IS NOT NULL", nameKey)
      .toArray()[0];
    return row === undefined ? null : deletedOf(row);
  }

  /** A tenant's deleted vaults (null: every tenant's), by name. */
  deletedVaults(tenantId: string | null): DeletedVault[] {
    const rows =
      tenantId === null
        ? this.sql.exec<DeletedRow>("SELECT deleted_vault, deleted_at, scheduled_purge_at FROM vault_names WHERE deleted_at IS NOT NULL ORDER BY name_key")
        : this.sql.exec<DeletedRow>(
            "SELECT deleted_vault, deleted_at, scheduled_purge_at FROM vault_names WHERE deleted_at IS NOT NULL AND tenant_id = ? ORDER BY name_key",
            tenantId,
          );
    return rows.toArray().map(deletedOf);
  }

  /** Deleted vaults whose retention has ended by `now` (Unix s), earliest first. */
  duePurges(now: number, limit: number): DeletedVault[] {
    return this.sql
      .exec<DeletedRow>(
        "SELECT deleted_vault, deleted_at, scheduled_purge_at FROM vault_names WHERE scheduled_purge_at <= ? ORDER BY scheduled_purge_at LIMIT ?",
        now,
        limit,
      )
      .toArray()
      .map(deletedOf);
  }

  /** When the next scheduled purge is due (Unix s), or null. */
  nextPurgeAt(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(scheduled_purge_at) AS t FROM vault_names WHERE scheduled_purge_at IS NOT NULL").one().t;
  }

  /** The name of a purged vault is free again; a live vault's reservation is never released here. */
  releaseDeleted(nameKey: string): void {
    this.sql.exec("DELETE FROM vault_names WHERE name_key = ? AND deleted_at IS NOT NULL", nameKey);
  }

  vaultCount(tenantId: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM vault_names WHERE tenant_id = ?", tenantId).one().n;
  }

  setting(key: string): string | null {
    return this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  putSetting(key: string, value: string): void {
    this.sql.exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }
}
