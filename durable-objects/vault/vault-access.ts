import { anyRoleGrants, type DataAction } from "../../core/domain/rbac/permission.ts";
import { assignmentsGrant } from "../../core/domain/rbac/managed-hsm-permission.ts";
import { scopeCovers } from "../../core/domain/rbac/scope-covers.ts";
import type { VaultObjectScope } from "../../core/domain/rbac/vault-object-scope.ts";
import { findManagedHsmBuiltInRole, type ManagedHsmDataAction, type ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { HsmScope } from "../../core/domain/rbac/managed-hsm-scope.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import type { Caller } from "../../core/contract/common.ts";
import type { EventSink } from "../operations/event-sink.ts";
import type { HsmRoleDefinitionRepository } from "../storage/hsm-role-definition-repository.ts";
import type { RoleAssignmentRepository } from "../storage/role-assignment-repository.ts";

/**
 * Who may do what in this vault: its role assignments (control plane, and a managed HSM's own RBAC plane) and the
 * check the request pipeline makes. Every change raises VaultAccessPolicyChanged in the same transaction (an
 * outbox) and empties the caches.
 */
export class VaultAccess {
  /** principal id → its assignments; rebuilt from storage after any assignment change. */
  private readonly assignmentsByPrincipal = new Map<string, readonly RoleAssignment[]>();
  /** A managed HSM's custom roles by GUID; null until read, and again after any definition change. */
  private customRoles: Map<string, ManagedHsmRoleDefinition> | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly assignments: RoleAssignmentRepository,
    private readonly definitions: HsmRoleDefinitionRepository,
    private readonly events: EventSink,
  ) {}

  list(): RoleAssignment[] {
    return this.assignments.all();
  }

  put(assignment: RoleAssignment): RoleAssignment {
    this.storage.transactionSync(() => {
      this.assignments.put(assignment);
      this.events.accessPolicyChanged();
    });
    this.forget();
    return assignment;
  }

  delete(id: string): boolean {
    const deleted = this.storage.transactionSync(() => {
      const removed = this.assignments.delete(id);
      if (removed) this.events.accessPolicyChanged();
      return removed;
    });
    this.forget();
    return deleted;
  }

  /** A principal deleted from its tenant: its grants go with it. Answers how many there were. */
  removePrincipal(principalId: string): number {
    const n = this.storage.transactionSync(() => {
      const removed = this.assignments.deleteForPrincipal(principalId);
      if (removed > 0) this.events.accessPolicyChanged();
      return removed;
    });
    this.forget();
    return n;
  }

  /**
   * Whether any role the principal holds here, at the vault or at the object the operation acts on (`scope`), grants
   * the data action the route declared.
   */
  allows(caller: Pick<Caller, "objectId" | "groups">, action: DataAction, scope: VaultObjectScope): boolean {
    return anyRoleGrants(
      this.assignmentsOfCaller(caller).flatMap((a) => (scopeCovers(a.scope, scope) ? [a.roleDefinitionId] : [])),
      action,
    );
  }

  /**
   * A managed HSM's check (docs/managed-hsm.md "Local RBAC"): an assignment whose scope covers `scope` and whose
   * role — built in, or one of the HSM's custom roles — grants the action.
   */
  allowsOnHsm(caller: Pick<Caller, "objectId" | "groups">, action: ManagedHsmDataAction, scope: HsmScope): boolean {
    return assignmentsGrant(this.assignmentsOfCaller(caller), (id) => this.roleDefinition(id), action, scope);
  }

  /** The caller's own assignments and those of the groups its token names (docs/access-control.md "Groups"). */
  private assignmentsOfCaller(caller: Pick<Caller, "objectId" | "groups">): RoleAssignment[] {
    return [caller.objectId, ...(caller.groups ?? [])].flatMap((id) => this.assignmentsOf(id));
  }

  /** A built-in Managed HSM role or a custom role of this HSM, by GUID. */
  roleDefinition(id: string): ManagedHsmRoleDefinition | undefined {
    const builtIn = findManagedHsmBuiltInRole(id);
    if (builtIn !== undefined) return builtIn;
    this.customRoles ??= new Map(this.definitions.all().map((d) => [d.id, d]));
    return this.customRoles.get(id.toLowerCase());
  }

  /** After an assignment or definition changed, or the vault's storage was wiped: the caches describe what is gone. */
  forget(): void {
    this.assignmentsByPrincipal.clear();
    this.customRoles = null;
  }

  private assignmentsOf(principalId: string): readonly RoleAssignment[] {
    let found = this.assignmentsByPrincipal.get(principalId);
    if (found === undefined) {
      found = this.assignments.forPrincipal(principalId);
      this.assignmentsByPrincipal.set(principalId, found);
    }
    return found;
  }
}
