import type { ManagedHsmPermission } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { VaultCustomRole } from "../../core/domain/rbac/vault-custom-role.ts";

/** A tenant's custom role definitions with their times (tenant migration 0007). All SQL for them lives here. */
export interface StoredRoleDefinition extends VaultCustomRole {
  /** Unix seconds. */
  readonly created: number;
  readonly updated: number;
}

type Row = {
  id: string;
  role_name: string;
  description: string;
  permissions: string;
  assignable_scopes: string;
  version: number;
  created: number;
  updated: number;
};

const COLUMNS = "id, role_name, description, permissions, assignable_scopes, version, created, updated";

const toDefinition = (r: Row): StoredRoleDefinition => ({
  id: r.id,
  roleName: r.role_name,
  description: r.description,
  permissions: JSON.parse(r.permissions) as ManagedHsmPermission[],
  assignableScopes: JSON.parse(r.assignable_scopes) as string[],
  version: r.version,
  created: r.created,
  updated: r.updated,
});

export class RoleDefinitionRepository {
  constructor(private readonly sql: SqlStorage) {}

  all(): StoredRoleDefinition[] {
    return this.sql.exec<Row>(`SELECT ${COLUMNS} FROM role_definitions ORDER BY created, id`).toArray().map(toDefinition);
  }

  get(id: string): StoredRoleDefinition | null {
    const row = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM role_definitions WHERE id = ?`, id.toLowerCase()).toArray()[0];
    return row === undefined ? null : toDefinition(row);
  }

  /** The definition holding this name, without regard to case. */
  named(roleName: string): StoredRoleDefinition | null {
    const row = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM role_definitions WHERE role_name_key = ?`, roleName.toLowerCase()).toArray()[0];
    return row === undefined ? null : toDefinition(row);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM role_definitions").one().n;
  }

  /** Creates or replaces; the caller computes version, created and updated. */
  put(d: StoredRoleDefinition): void {
    this.sql.exec(
      `INSERT INTO role_definitions (${COLUMNS}, role_name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ` +
        "ON CONFLICT (id) DO UPDATE SET role_name = excluded.role_name, role_name_key = excluded.role_name_key, " +
        "description = excluded.description, permissions = excluded.permissions, assignable_scopes = excluded.assignable_scopes, " +
        "version = excluded.version, updated = excluded.updated",
      d.id.toLowerCase(),
      d.roleName,
      d.description,
      JSON.stringify(d.permissions),
      JSON.stringify(d.assignableScopes),
      d.version,
      d.created,
      d.updated,
      d.roleName.toLowerCase(),
    );
  }

  delete(id: string): boolean {
    return this.sql.exec("DELETE FROM role_definitions WHERE id = ?", id.toLowerCase()).rowsWritten > 0;
  }
}
