import { DAY_MS, toUnixSeconds } from "../clock.ts";
import type { VaultPlacement } from "./placement.ts";
import type { VaultConfig, VaultSku } from "./vault-config.ts";

/**
 * A soft-deleted vault (docs/access-control.md "Vault soft delete"), as ARM's Microsoft.KeyVault/deletedVaults
 * knows it (DeletedVaultProperties: vaultId, location, deletionDate, scheduledPurgeDate, tags, purgeProtectionEnabled)
 * plus what a purge needs to reach its object (placement) and a recovery needs to check (tenant).
 */
export interface DeletedVault {
  readonly name: string;
  readonly tenantId: string;
  readonly sku: VaultSku;
  readonly retentionDays: number;
  readonly purgeProtection: boolean;
  readonly placement?: VaultPlacement;
  /** Unix seconds. */
  readonly deletedAt: number;
  /** Unix seconds: deletedAt + the vault's soft-delete retention, when the registry's alarm purges it. */
  readonly scheduledPurgeAt: number;
}

/** A vault deleted at `nowMs` is kept for its soft-delete retention (ARM softDeleteRetentionInDays, 7–90 days). */
export function deletedVaultOf(config: VaultConfig, nowMs: number): DeletedVault {
  return {
    name: config.name,
    tenantId: config.tenantId,
    sku: config.sku,
    retentionDays: config.retentionDays,
    purgeProtection: config.purgeProtection,
    ...(config.placement === undefined ? {} : { placement: config.placement }),
    deletedAt: toUnixSeconds(nowMs),
    scheduledPurgeAt: toUnixSeconds(nowMs + config.retentionDays * DAY_MS),
  };
}
