import type { ManagedHsmPermission } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { VaultRoleCopy } from "../../core/domain/rbac/vault-custom-role.ts";

type Row = { id: string; role_name: string; permissions: string; version: number };

/** A vault's copies of the tenant's custom roles its assignments use (vault migration 0018). All SQL for them. */
export class CustomRoleCopyRepository {
  constructor(private readonly sql: SqlStorage) {}

  all(): VaultRoleCopy[] {
    return this.sql
      .exec<Row>("SELECT id, role_name, permissions, version FROM custom_role_copies ORDER BY id")
      .toArray()
      .map((r) => ({ id: r.id, roleName: r.role_name, permissions: JSON.parse(r.permissions) as ManagedHsmPermission[], version: r.version }));
  }

  get(id: string): VaultRoleCopy | null {
    return this.all().find((c) => c.id === id.toLowerCase()) ?? null;
  }

  put(copy: VaultRoleCopy): void {
    this.sql.exec(
      "INSERT INTO custom_role_copies (id, role_name, permissions, version) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET role_name = excluded.role_name, permissions = excluded.permissions, version = excluded.version",
      copy.id.toLowerCase(),
      copy.roleName,
      JSON.stringify(copy.permissions),
      copy.version,
    );
  }

  /** Copies no assignment uses any more go: a vault keeps only what it decides with. */
  dropUnused(): void {
    this.sql.exec("DELETE FROM custom_role_copies WHERE id NOT IN (SELECT role_definition_id FROM role_assignments)");
  }
}
