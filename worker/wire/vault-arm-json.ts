import type { DeletedVault } from "../../core/domain/vault/deleted-vault.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { placementJson } from "./placement-input.ts";
import { vaultSettingsInput } from "./operational-settings-input.ts";

/**
 * The access settings a vault body carries under ARM's Microsoft.KeyVault/vaults property names (issue 17, "Shapes"),
 * beside the admin API's flat settings. On creation they go through the settings PATCH's own validators
 * (operational-settings-input.ts), so each setting is checked in one place.
 */
export const VAULT_ACCESS_SETTINGS = ["enableRbacAuthorization", "accessPolicies", "networkAcls", "cors"] as const;

/** The access settings a vault creation carries (absent ones keep their defaults), validated before anything is made. */
export function vaultAccessInput(body: Record<string, unknown>, tenantId: string): VaultSettingsPatch {
  const given = Object.fromEntries(VAULT_ACCESS_SETTINGS.filter((name) => name in body).map((name) => [name, body[name]]));
  return vaultSettingsInput(given, tenantId);
}

/** The vault's access settings as ARM shows them: networkAcls with `bypass` and `ipRules: [{value}]`. */
export function vaultAccessJson(settings: VaultOperationalSettings) {
  const acls = settings.networkAcls;
  return {
    enableRbacAuthorization: settings.enableRbacAuthorization,
    accessPolicies: settings.accessPolicies,
    networkAcls:
      acls === null
        ? null
        : { defaultAction: acls.defaultAction, bypass: "None", ipRules: acls.ipRules.map((value) => ({ value })), virtualNetworkRules: [] },
    cors: settings.cors,
  };
}

/** ARM's createMode (VaultProperties.createMode): "default" makes a vault, "recover" recovers a deleted one. */
export function createModeInput(value: unknown): "default" | "recover" {
  if (value === undefined || value === null || value === "default") return "default";
  if (value === "recover") return "recover";
  throw badParameter("createMode must be 'default' or 'recover'.");
}

const isoDate = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

/**
 * ARM's DeletedVault (Microsoft.KeyVault/deletedVaults), its ids mapped onto the admin API as the vault routes map
 * ARM's: the subscription is the tenant, `vaultId` the vault's admin path. `location` is the vault's location hint
 * (docs/placement.md), "global" without one; `tags` is empty, as admin vaults carry none.
 */
export function deletedVaultJson(deleted: DeletedVault) {
  return {
    id: `/tenants/${deleted.tenantId}/deletedVaults/${deleted.name}`,
    name: deleted.name,
    type: "Microsoft.KeyVault/deletedVaults",
    properties: {
      vaultId: `/tenants/${deleted.tenantId}/vaults/${deleted.name}`,
      location: deleted.placement?.locationHint ?? "global",
      deletionDate: isoDate(deleted.deletedAt),
      scheduledPurgeDate: isoDate(deleted.scheduledPurgeAt),
      tags: {},
      purgeProtectionEnabled: deleted.purgeProtection,
      // Beyond ARM: what this admin API also shows of a vault.
      sku: deleted.sku,
      softDeleteRetentionInDays: deleted.retentionDays,
      placement: placementJson(deleted.placement),
    },
  };
}
