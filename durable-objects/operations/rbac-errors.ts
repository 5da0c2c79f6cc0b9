import { VaultError } from "../../core/errors/vault-error.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { Caller } from "../../core/contract/common.ts";
import type { PolicyPermission } from "../../core/contract/access-policy-permissions.ts";

/**
 * Azure's RBAC denial: 403 Forbidden, innererror ForbiddenByRbac, naming caller, action and vault
 * (rest-error-codes.md). It names only what the caller already knows about itself and the request. A managed HSM
 * names its own action and the scope it was asked for at (`hsmScope`), its resource `/managedHSMs/{name}{scope}`.
 */
export function forbiddenByRbac(caller: Caller, action: string, config: VaultConfig, hsmScope?: string): VaultError {
  const resource = hsmScope === undefined ? `/vaults/${config.name.toLowerCase()}` : `/managedHSMs/${config.name.toLowerCase()}${hsmScope === "/" ? "" : hsmScope}`;
  return new VaultError(
    "Forbidden",
    "Caller is not authorized to perform action on resource.\r\n" +
      "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n" +
      `Caller: appid=${caller.appId};oid=${caller.objectId};iss=${config.tenantId}\r\n` +
      `Action: '${action}'\r\n` +
      `Resource: '${resource}'\r\n` +
      "Assignment: (not found)\r\n" +
      "DenyAssignmentId: null\r\n" +
      "DecisionReason: 'DeniedWithNoValidRBAC' \r\n" +
      `Vault: ${config.name};location=edge\r\n`,
    "ForbiddenByRbac",
  );
}


/**
 * Azure's access-policy denial (rest-error-codes.md, "Access denied"): 403 Forbidden, innererror AccessDenied, "The
 * user, group or application '…' does not have secrets get permission on key vault '…'", naming the caller and the
 * permission it lacks — which it could read in the vault's policies anyway — and the vault.
 */
export function deniedByAccessPolicy(caller: Caller, needed: PolicyPermission, config: VaultConfig): VaultError {
  return new VaultError(
    "Forbidden",
    `The user, group or application 'appid=${caller.appId};oid=${caller.objectId};iss=${config.tenantId}' does not have ` +
      `${needed.collection} ${needed.permission} permission on key vault '${config.name};location=edge'. ` +
      "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
    "AccessDenied",
  );
}
