import type { ManagedHsmPermission, ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";

type DefinitionRow = { name: string; role_name: string; description: string; permissions: string; assignable_scopes: string; created: number };

/** A managed HSM's custom role definitions (migration 0013). All SQL for them lives here. */
export class HsmRoleDefinitionRepository {
  constructor(private readonly sql: SqlStorage) {}

  all(): ManagedHsmRoleDefinition[] {
    return this.sql
      .exec<DefinitionRow>("SELECT name, role_name, description, permissions, assignable_scopes, created FROM hsm_role_definitions ORDER BY created, name")
      .toArray()
      .map(toDefinition);
  }

  get(name: string): ManagedHsmRoleDefinition | null {
    const row = this.sql
      .exec<DefinitionRow>("SELECT name, role_name, description, permissions, assignable_scopes, created FROM hsm_role_definitions WHERE name = ?", name.toLowerCase())
      .toArray()[0];
    return row === undefined ? null : toDefinition(row);
  }

  /** Creates or replaces (a PUT replaces the whole definition); `created` is kept on replace. */
  put(definition: ManagedHsmRoleDefinition, created: number): void {
    this.sql.exec(
      "INSERT INTO hsm_role_definitions (name, role_name, description, permissions, assignable_scopes, created) VALUES (?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (name) DO UPDATE SET role_name = excluded.role_name, description = excluded.description, " +
        "permissions = excluded.permissions, assignable_scopes = excluded.assignable_scopes",
      definition.id.toLowerCase(),
      definition.roleName,
      definition.description,
      JSON.stringify(definition.permissions),
      JSON.stringify(definition.assignableScopes),
      created,
    );
  }

  delete(name: string): boolean {
    return this.sql.exec("DELETE FROM hsm_role_definitions WHERE name = ?", name.toLowerCase()).rowsWritten > 0;
  }
}

function toDefinition(row: DefinitionRow): ManagedHsmRoleDefinition {
  return {
    id: row.name,
    roleName: row.role_name,
    description: row.description,
    type: "CustomRole",
    permissions: JSON.parse(row.permissions) as ManagedHsmPermission[],
    assignableScopes: JSON.parse(row.assignable_scopes) as string[],
  };
}
