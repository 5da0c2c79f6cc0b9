import { VaultError } from "../../core/errors/vault-error.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { Caller } from "../../core/contract/common.ts";

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

