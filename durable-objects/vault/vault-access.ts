import { builtInPermission, type DataAction } from "../../core/domain/rbac/permission.ts";
import { LruCache } from "../../core/crypto/providers/lru-cache.ts";
import { BUILT_IN_ROLES } from "../../core/domain/rbac/built-in-roles.ts";
import type { VaultRoleCopy } from "../../core/domain/rbac/vault-custom-role.ts";
import type { CustomRoleCopyRepository } from "../storage/custom-role-copy-repository.ts";
import { assignmentsGrant } from "../../core/domain/rbac/managed-hsm-permission.ts";
import type { VaultObjectScope } from "../../core/domain/rbac/vault-object-scope.ts";
import { findManagedHsmBuiltInRole, type ManagedHsmDataAction, type ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { HsmScope } from "../../core/domain/rbac/managed-hsm-scope.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import type { Caller } from "../../core/contract/common.ts";
import type { EventSink } from "../operations/event-sink.ts";
import type { HsmRoleDefinitionRepository } from "../storage/hsm-role-definition-repository.ts";
import type { RoleAssignmentRepository } from "../storage/role-assignment-repository.ts";

/** How many decisions one vault object remembers. */
const MAX_DECISIONS = 4096;

/**
 * Who may do what in this vault: its role assignments (control plane, and a managed HSM's own RBAC plane) and the
 * check the request pipeline makes. Every change raises VaultAccessPolicyChanged in the same transaction (an
 * outbox) and empties the caches.
 */
export class VaultAccess {
  /** principal id → its assignments; rebuilt from storage after any assignment change. */
  private readonly assignmentsByPrincipal = new Map<string, readonly RoleAssignment[]>();
  /**
   * Vault-role decisions by caller, groups, action and scope: the same caller repeats the same check on every request,
   * and it depends only on what forget() clears with it. Bounded, the least recently used first out.
   */
  private readonly decisions = new LruCache<boolean>(MAX_DECISIONS);
  /** A managed HSM's custom roles by GUID; null until read, and again after any definition change. */
  private customRoles: Map<string, ManagedHsmRoleDefinition> | null = null;
  /** A vault's copies of its tenant's custom roles by GUID; null until read, and again after any change. */
  private tenantRoles: Map<string, VaultRoleCopy> | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly assignments: RoleAssignmentRepository,
    private readonly definitions: HsmRoleDefinitionRepository,
    private readonly copies: CustomRoleCopyRepository,
    private readonly events: EventSink,
  ) {}

  list(): RoleAssignment[] {
    return this.assignments.all();
  }

  /**
   * `copy`: the tenant's custom role the assignment names, kept beside it (docs/access-control.md "Custom roles"); a
   * copy already here that is as new or newer stays. Copies no assignment uses any more go in the same transaction.
   */
  put(assignment: RoleAssignment, copy?: VaultRoleCopy): RoleAssignment {
    this.storage.transactionSync(() => {
      const held = copy === undefined ? null : this.copies.get(copy.id);
      if (copy !== undefined && (held === null || held.version < copy.version)) this.copies.put(copy);
      this.assignments.put(assignment);
      this.copies.dropUnused();
      this.events.accessPolicyChanged();
    });
    this.forget();
    return assignment;
  }

  delete(id: string): boolean {
    const deleted = this.storage.transactionSync(() => {
      const removed = this.assignments.delete(id);
      this.copies.dropUnused();
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
      this.copies.dropUnused();
      if (removed > 0) this.events.accessPolicyChanged();
      return removed;
    });
    this.forget();
    return n;
  }

  /** How many of this vault's assignments name the role (a tenant refuses to delete a role still assigned). */
  usesOf(roleDefinitionId: string): number {
    const id = roleDefinitionId.toLowerCase();
    return this.assignments.all().filter((a) => a.roleDefinitionId === id).length;
  }

  /**
   * The tenant changed a custom role: a vault holding an older copy replaces it (VaultAccessPolicyChanged, as any
   * change of who may do what). Answers whether this vault's decisions changed.
   */
  syncCustomRole(copy: VaultRoleCopy): boolean {
    const changed = this.storage.transactionSync(() => {
      const held = this.copies.get(copy.id);
      if (held === null || held.version >= copy.version) return false;
      this.copies.put(copy);
      this.events.accessPolicyChanged();
      return true;
    });
    this.forget();
    return changed;
  }

  /** The tenant deleted a custom role: any assignment of it that raced the deletion goes, with the copy. */
  dropCustomRole(roleDefinitionId: string): number {
    const n = this.storage.transactionSync(() => {
      const removed = this.assignments.deleteForRole(roleDefinitionId.toLowerCase());
      this.copies.dropUnused();
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
    const key = `${caller.objectId}\n${(caller.groups ?? []).join(",")}\n${action}\n${scope}`;
    return this.decisions.get(key, () => assignmentsGrant(this.assignmentsOfCaller(caller), (id) => this.vaultRole(id), action, scope));
  }

  /** A built-in Key Vault role, or this vault's copy of one of its tenant's custom roles, by GUID. */
  vaultRole(id: string): Pick<ManagedHsmRoleDefinition, "permissions"> | undefined {
    const builtIn = BUILT_IN_ROLES.find((r) => r.id === id);
    if (builtIn !== undefined) return { permissions: [builtInPermission(builtIn)] };
    this.tenantRoles ??= new Map(this.copies.all().map((c) => [c.id, c]));
    return this.tenantRoles.get(id.toLowerCase());
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
    this.decisions.clear();
    this.customRoles = null;
    this.tenantRoles = null;
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
