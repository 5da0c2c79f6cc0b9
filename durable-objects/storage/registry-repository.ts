import type { TenantInfo } from "../../core/domain/identity/principal.ts";

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
