import { assignmentKey, type PolicyAssignment, type PolicyScope } from "../../core/domain/policy/policy-assignment.ts";
import type { ParameterValues, PolicyEffect } from "../../core/domain/policy/policy-definitions.ts";

type Row = {
  scope?: string;
  name: string;
  definition: string;
  display_name: string | null;
  description: string | null;
  effect: string;
  parameters: string;
  enforcement_mode: string;
  created: number;
};

const COLUMNS = "name, definition, display_name, description, effect, parameters, enforcement_mode, created";

const toAssignment = (row: Row, scope: PolicyScope): PolicyAssignment => ({
  scope,
  name: row.name,
  definition: row.definition,
  ...(row.display_name === null ? {} : { displayName: row.display_name }),
  ...(row.description === null ? {} : { description: row.description }),
  effect: row.effect as PolicyEffect,
  parameters: JSON.parse(row.parameters) as ParameterValues,
  enforcementMode: row.enforcement_mode === "DoNotEnforce" ? "DoNotEnforce" : "Default",
  created: row.created,
});

/**
 * Policy assignments (docs/vault-policies.md): a vault's table (vault migration 0020) holds both scopes, its own and
 * its tenant's copies; a tenant's (tenant migration 0008) only the tenant's. All their SQL lives here.
 */
export class PolicyAssignmentRepository {
  constructor(
    private readonly sql: SqlStorage,
    private readonly owner: "vault" | "tenant",
  ) {}

  all(): PolicyAssignment[] {
    if (this.owner === "tenant") {
      return this.sql.exec<Row>(`SELECT ${COLUMNS} FROM policy_assignments ORDER BY created, name_key`).toArray().map((r) => toAssignment(r, "tenant"));
    }
    return this.sql
      .exec<Row>(`SELECT scope, ${COLUMNS} FROM policy_assignments ORDER BY scope, created, name_key`)
      .toArray()
      .map((r) => toAssignment(r, r.scope === "tenant" ? "tenant" : "vault"));
  }

  get(scope: PolicyScope, name: string): PolicyAssignment | null {
    return this.all().find((a) => a.scope === scope && assignmentKey(a.name) === assignmentKey(name)) ?? null;
  }

  /** Inserts or replaces the assignment of that scope and name (PUT). */
  put(a: PolicyAssignment): void {
    const values = [
      assignmentKey(a.name),
      a.name,
      a.definition,
      a.displayName ?? null,
      a.description ?? null,
      a.effect,
      JSON.stringify(a.parameters),
      a.enforcementMode,
      a.created,
    ];
    if (this.owner === "tenant") {
      this.sql.exec(`INSERT OR REPLACE INTO policy_assignments (name_key, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...values);
    } else {
      this.sql.exec(`INSERT OR REPLACE INTO policy_assignments (scope, name_key, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.scope, ...values);
    }
  }

  delete(scope: PolicyScope, name: string): boolean {
    const cursor =
      this.owner === "tenant"
        ? this.sql.exec("DELETE FROM policy_assignments WHERE name_key = ?", assignmentKey(name))
        : this.sql.exec("DELETE FROM policy_assignments WHERE scope = ? AND name_key = ?", scope, assignmentKey(name));
    return cursor.rowsWritten > 0;
  }

  /** A recovered vault's copies of its tenant's assignments: exactly these, none it kept from before its deletion. */
  replaceTenantCopies(assignments: readonly PolicyAssignment[]): void {
    this.sql.exec("DELETE FROM policy_assignments WHERE scope = 'tenant'");
    for (const a of assignments) this.put({ ...a, scope: "tenant" });
  }

  /** A new vault's copies of its tenant's assignments, each only where no copy of its name was pushed meanwhile. */
  seedTenantCopies(assignments: readonly PolicyAssignment[]): void {
    for (const a of assignments) if (this.get("tenant", a.name) === null) this.put({ ...a, scope: "tenant" });
  }
}
