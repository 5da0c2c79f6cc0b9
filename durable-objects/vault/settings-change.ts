import type { Result } from "../../core/errors/result.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
import type { VaultParts } from "./vault-parts.ts";

/**
 * A change of the vault's operational settings (PATCH …/settings), with what it sets off: the firewall policy's Deny,
 * the access-changed event, and the edge's kept answers and permissions running out before the call returns.
 */
export async function changeSettings(parts: VaultParts, storage: DurableObjectStorage, patch: VaultSettingsPatch): Promise<Result<VaultOperationalSettings>> {
  // "Azure Key Vault should have firewall enabled" with Deny refuses a change that would leave the firewall off.
  if (patch.networkAcls !== undefined) {
    const allowed = parts.policies.checkNetworkAcls(patch.networkAcls);
    if (!allowed.ok) return allowed;
  }
  const updated = parts.settings.update(patch);
  // A firewall also turns the edge cache off (edge-leases.ts): the edge cannot see a caller's address rules.
  const accessChanged = patch.enableRbacAuthorization !== undefined || patch.accessPolicies !== undefined;
  // Switching the permission model, or the policies, is a change of who may read: VaultAccessPolicyChanged, as a
  // role assignment raises it, and kept permissions run out before the call returns.
  if (updated.ok && accessChanged) storage.transactionSync(() => parts.events.accessPolicyChanged());
  if (patch.edgeCache !== undefined || patch.publicJwks !== undefined || patch.networkAcls !== undefined || accessChanged) {
    parts.edge.forget();
    // Switched off: answers already kept at the edge run out before the switch is reported done.
    if (updated.ok) await parts.edge.outlive();
  }
  return updated;
}
