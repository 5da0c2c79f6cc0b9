import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import type { PolicyAssignmentRepository } from "../storage/policy-assignment-repository.ts";

/**
 * A tenant's policy assignments (issue 17; docs/vault-policies.md): they apply to every vault of the tenant. The tenant
 * keeps the originals; a change answers with the tenant's vaults so the control plane pushes it to each (as a
 * principal's deletion reaches every vault), and a vault being made takes the whole list.
 */
export type TenantPolicyOp =
  | { readonly kind: "put"; readonly assignment: PolicyAssignment }
  | { readonly kind: "get"; readonly name: string }
  | { readonly kind: "list" }
  | { readonly kind: "delete"; readonly name: string };

export type TenantPolicyResult =
  | { readonly assignment: PolicyAssignment; readonly vaults: string[] }
  | PolicyAssignment
  | PolicyAssignment[]
  | { readonly vaults: string[] };

export function managePolicies(repo: PolicyAssignmentRepository, vaults: () => string[], op: TenantPolicyOp): Result<TenantPolicyResult> {
  switch (op.kind) {
    case "put": {
      repo.put(op.assignment);
      return ok({ assignment: repo.get("tenant", op.assignment.name) ?? op.assignment, vaults: vaults() });
    }
    case "get": {
      const found = repo.get("tenant", op.name);
      return found === null ? fail(notFound(op.name)) : ok(found);
    }
    case "list":
      return ok(repo.all());
    case "delete":
      return repo.delete("tenant", op.name) ? ok({ vaults: vaults() }) : fail(notFound(op.name));
  }
}

const notFound = (name: string): VaultError => new VaultError("PolicyAssignmentNotFound", `The policy assignment '${name}' is not found.`);
