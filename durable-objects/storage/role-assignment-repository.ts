import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";

type AssignmentRow = { id: string; principal_id: string; role_definition_id: string; scope: string; created: number };

/** Role assignments at this vault's scope. */
export class RoleAssignmentRepository {
  constructor(private readonly sql: SqlStorage) {}

  all(): RoleAssignment[] {
    return this.sql
      .exec<AssignmentRow>("SELECT id, principal_id, role_definition_id, scope, created FROM role_assignments ORDER BY created, id")
      .toArray()
      .map(toAssignment);
  }

  forPrincipal(principalId: string): RoleAssignment[] {
    return this.sql
      .exec<AssignmentRow>(
        "SELECT id, principal_id, role_definition_id, scope, created FROM role_assignments WHERE principal_id = ?",
        principalId,
      )
      .toArray()
      .map(toAssignment);
  }

  get(id: string): RoleAssignment | null {
    const row = this.sql
      .exec<AssignmentRow>("SELECT id, principal_id, role_definition_id, scope, created FROM role_assignments WHERE id = ?", id)
      .toArray()[0];
    return row === undefined ? null : toAssignment(row);
  }

  put(a: RoleAssignment): void {
    this.sql.exec(
      "INSERT INTO role_assignments (id, principal_id, role_definition_id, scope, created) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET principal_id = excluded.principal_id, role_definition_id = excluded.role_definition_id, scope = excluded.scope",
      a.id,
      a.principalId,
      a.roleDefinitionId,
      a.scope,
      a.created,
    );
  }

  delete(id: string): boolean {
    return this.sql.exec("DELETE FROM role_assignments WHERE id = ?", id).rowsWritten > 0;
  }

  deleteForRole(roleDefinitionId: string): number {
    return this.sql.exec("DELETE FROM role_assignments WHERE role_definition_id = ?", roleDefinitionId).rowsWritten;
  }

  deleteForPrincipal(principalId: string): number {
    return this.sql.exec("DELETE FROM role_assignments WHERE principal_id = ?", principalId).rowsWritten;
  }
}

function toAssignment(row: AssignmentRow): RoleAssignment {
  return {
    id: row.id,
    principalId: row.principal_id,
    roleDefinitionId: row.role_definition_id,
    scope: row.scope,
    created: row.created,
  };
}
