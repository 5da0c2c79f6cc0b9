import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { Principal } from "../../core/domain/identity/principal.ts";
import type { TenantRepository } from "../storage/tenant-repository.ts";

/** The principal of that object id (of that type, unless "any"), or PrincipalNotFound naming what was sought. */
export function principalOf(repo: TenantRepository, id: string, type: "any" | "servicePrincipal"): Result<Principal> {
  const found = repo.findPrincipal(id)?.principal;
  if (found?.id === id && (type === "any" || found.type === type)) return ok(found);
  return fail(new VaultError("PrincipalNotFound", `${type === "any" ? "Principal" : "Service principal"} ${id} was not found.`));
}
