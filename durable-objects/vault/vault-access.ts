import { anyRoleGrants, type DataAction } from "../../core/domain/rbac/permission.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import type { EventSink } from "../operations/event-sink.ts";
import type { RoleAssignmentRepository } from "../storage/role-assignment-repository.ts";

/**
 * Who may do what in this vault: its role assignments (control plane) and the check the request pipeline makes.
 * Every change raises VaultAccessPolicyChanged in the same transaction (an outbox) and empties the roles cache.
 */
export class VaultAccess {
  /** principal id → role definition ids; rebuilt from storage after any assignment change. */
  private readonly rolesByPrincipal = new Map<string, readonly string[]>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly assignments: RoleAssignmentRepository,
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
    this.rolesByPrincipal.clear();
    return assignment;
  }

  delete(id: string): boolean {
    const deleted = this.storage.transactionSync(() => {
      const removed = this.assignments.delete(id);
      if (removed) this.events.accessPolicyChanged();
      return removed;
    });
    this.rolesByPrincipal.clear();
    return deleted;
  }

  /** A principal deleted from its tenant: its grants go with it. Answers how many there were. */
  removePrincipal(principalId: string): number {
    const n = this.storage.transactionSync(() => {
      const removed = this.assignments.deleteForPrincipal(principalId);
      if (removed > 0) this.events.accessPolicyChanged();
      return removed;
    });
    this.rolesByPrincipal.clear();
    return n;
  }

  /** Whether any role the principal holds here grants the data action the route declared. */
  allows(principalId: string, action: DataAction): boolean {
    return anyRoleGrants(this.rolesOf(principalId), action);
  }

  /** After the vault's storage was wiped: the cache describes assignments that are gone. */
  forget(): void {
    this.rolesByPrincipal.clear();
  }

  private rolesOf(principalId: string): readonly string[] {
    let roles = this.rolesByPrincipal.get(principalId);
    if (roles === undefined) {
      roles = this.assignments.forPrincipal(principalId).map((a) => a.roleDefinitionId);
      this.rolesByPrincipal.set(principalId, roles);
    }
    return roles;
  }
}
