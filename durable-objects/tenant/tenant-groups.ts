import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { Group, GroupRepository } from "../storage/group-repository.ts";

/**
 * A tenant's groups (issue 17; docs/access-control.md "Groups"): the admin API makes them and their members; a role
 * assigned to a group applies to its members, whose tokens carry the group ids in the `groups` claim as Entra's do —
 * so a membership change takes effect with the member's next token, as in Entra.
 */
export type GroupOp =
  | { readonly kind: "create"; readonly id: string; readonly displayName: string }
  | { readonly kind: "list" }
  | { readonly kind: "get"; readonly id: string }
  | { readonly kind: "delete"; readonly id: string }
  | { readonly kind: "addMember"; readonly id: string; readonly principalId: string }
  | { readonly kind: "removeMember"; readonly id: string; readonly principalId: string };

export type GroupResult = Group | Group[] | (Group & { readonly members: string[] }) | null;

/** Entra puts at most 200 group ids in a JWT (more is "overage"); a principal here belongs to at most that many. */
export const MAX_GROUPS_PER_PRINCIPAL = 200;

const notFound = (id: string) => new VaultError("NotFound", `The group '${id}' was not found.`);

export function manageGroups(groups: GroupRepository, isPrincipal: (id: string) => boolean, nowSeconds: number, op: GroupOp): Result<GroupResult> {
  switch (op.kind) {
    case "create":
      if (groups.get(op.id) !== null || isPrincipal(op.id)) return fail(new VaultError("Conflict", `'${op.id}' is already a group or principal of this tenant.`));
      groups.create({ id: op.id, displayName: op.displayName, created: nowSeconds });
      return ok(groups.get(op.id));
    case "list":
      return ok(groups.all());
    case "get": {
      const group = groups.get(op.id);
      return group === null ? fail(notFound(op.id)) : ok({ ...group, members: groups.members(op.id) });
    }
    case "delete":
      return groups.delete(op.id) ? ok(null) : fail(notFound(op.id));
    case "addMember":
      if (groups.get(op.id) === null) return fail(notFound(op.id));
      if (!isPrincipal(op.principalId)) return fail(new VaultError("PrincipalNotFound", `Principal ${op.principalId} was not found.`));
      if (groups.groupsOf(op.principalId).length >= MAX_GROUPS_PER_PRINCIPAL) {
        return fail(badParameter(`A principal belongs to at most ${MAX_GROUPS_PER_PRINCIPAL} groups.`));
      }
      groups.addMember(op.id, op.principalId);
      return ok(null);
    case "removeMember":
      if (groups.get(op.id) === null) return fail(notFound(op.id));
      return groups.removeMember(op.id, op.principalId) ? ok(null) : fail(new VaultError("PrincipalNotFound", `Principal ${op.principalId} is not a member.`));
  }
}
