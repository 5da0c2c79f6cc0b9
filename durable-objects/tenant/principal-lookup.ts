import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { Principal } from "../../core/domain/identity/principal.ts";
import type { TenantRepository } from "../storage/tenant-repository.ts";

/** What a lookup accepts: any principal, a service principal, or a workload (an application or managed identity, never a person). */
export type PrincipalKind = "any" | "servicePrincipal" | "workload";

const SOUGHT: Record<PrincipalKind, string> = { any: "Principal", servicePrincipal: "Service principal", workload: "Service principal or managed identity" };

/**
 * The principal of that object id of that kind, or PrincipalNotFound naming what was sought. Workload credentials
 * (federated identity credentials) never attach to a person: a user signs in with a password and TOTP, and a
 * credential beside them would bypass both, and the user's lockout and disabling (docs/sign-in.md).
 */
export function principalOf(repo: TenantRepository, id: string, kind: PrincipalKind): Result<Principal> {
  const found = repo.findPrincipal(id)?.principal;
  const fits = kind === "any" || (kind === "workload" ? found?.type !== "user" : found?.type === kind);
  if (found?.id === id && fits) return ok(found);
  return fail(new VaultError("PrincipalNotFound", `${SOUGHT[kind]} ${id} was not found.`));
}
