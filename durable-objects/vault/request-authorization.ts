import { hsmAuthorization } from "../../core/contract/managed-hsm-authorization.ts";
import { isSecurityDomainOp } from "../../core/contract/managed-hsm-security-domain.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { HsmDomainRepository } from "../storage/hsm-domain-repository.ts";
import { requiredAction } from "../../core/contract/operations.ts";
import { vaultScopeOf } from "../../core/contract/vault-authorization-scope.ts";
import type { VaultCall } from "../../core/contract/vault.ts";
import type { DataAction } from "../../core/domain/rbac/permission.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { forbiddenByRbac } from "../operations/rbac-errors.ts";
import type { VaultAccess } from "./vault-access.ts";
import { ACCESS_POLICY_PERMISSIONS } from "../../core/contract/access-policy-permissions.ts";
import { accessPoliciesGrant } from "../../core/domain/rbac/access-policy.ts";
import type { AccessModel } from "../../core/domain/vault/vault-operational-settings.ts";
import { deniedByAccessPolicy } from "../operations/rbac-errors.ts";

const isVaultAction = (action: string): action is DataAction => action.startsWith("Microsoft.KeyVault/vaults/");

/**
 * The one access decision of a request, from its op's descriptor, never from the caller. A vault checks its
 * assignments of Key Vault roles at the vault or at the object the op acts on (docs/access-control.md); a managed
 * HSM its local RBAC — the HSM's own data action at the
 * scope the op acts on (core/contract/managed-hsm-authorization.ts). An op a vault of this kind does not serve is
 * refused like any other denial (its routes are not mounted there, so only a bug could send one).
 */
export function authorize(access: VaultAccess, call: VaultCall, config: VaultConfig, model: AccessModel): void {
  const principal = call.caller;
  if (config.sku === "managedHSM") {
    const needed = hsmAuthorization(call.op);
    if (needed !== null && access.allowsOnHsm(principal, needed.action, needed.scope)) return;
    throw forbiddenByRbac(call.caller, needed?.action ?? requiredAction(call.op), config, needed?.scope ?? "/");
  }
  if (!model.enableRbacAuthorization) return authorizeByPolicy(call, config, model);
  const action = requiredAction(call.op);
  if (isVaultAction(action) && access.allows(principal, action, vaultScopeOf(call.op))) return;
  throw forbiddenByRbac(call.caller, action, config);
}

/** The access-policy model (docs/access-control.md "Access policies"): the entries for the caller or its groups. */
function authorizeByPolicy(call: VaultCall, config: VaultConfig, model: AccessModel): void {
  const kind = call.op.kind;
  const needed = kind.startsWith("hsm.") ? null : ACCESS_POLICY_PERMISSIONS[kind as keyof typeof ACCESS_POLICY_PERMISSIONS];
  if (needed !== null && accessPoliciesGrant(model.accessPolicies, call.caller, needed)) return;
  throw deniedByAccessPolicy(call.caller, needed ?? { collection: "keys", permission: "get" }, config);
}

/**
 * A managed HSM serves only its security domain until a download or upload activated it (docs/managed-hsm.md
 * "Security domain"). Checked after the access decision, so a caller without a role learns nothing of the state.
 */
export function assertActivated(domain: HsmDomainRepository, call: VaultCall, config: VaultConfig, nowMs: number): void {
  if (config.sku !== "managedHSM" || isSecurityDomainOp(call.op.kind)) return;
  const activatedAt = domain.activatedAt();
  if (activatedAt !== null && activatedAt <= nowMs) return;
  throw new VaultError(
    "Conflict",
    `The managed HSM '${config.name}' is not activated: download its security domain (POST /securitydomain/download) or upload one (POST /securitydomain/upload) first.`,
  );
}
