import type { VaultPlacement } from "./placement.ts";

/**
 * What a vault is: Azure Key Vault's two SKUs (premium adds HSM keys), or a Managed-HSM-style vault, served at
 * `{name}.managedhsm.{domain}` with the keys API for HSM keys only (worker/wire/vault-host.ts).
 */
export const VAULT_SKUS = ["standard", "premium", "managedHSM"] as const;
export type VaultSku = (typeof VAULT_SKUS)[number];

export function isVaultSku(value: unknown): value is VaultSku {
  return VAULT_SKUS.some((sku) => sku === value);
}

/** Whether this vault may hold HSM keys (and protect its data key with the HSM). */
export function holdsHsmKeys(sku: VaultSku): boolean {
  return sku !== "standard";
}

/** A vault's immutable settings, fixed at creation like Azure's soft-delete retention. */
export interface VaultConfig {
  readonly name: string;
  readonly tenantId: string;
  /** Soft-delete retention, 7–90 days (Azure default 90). */
  readonly retentionDays: number;
  /** Once on, purge is refused until the retention period has passed. */
  readonly purgeProtection: boolean;
  readonly sku: VaultSku;
  /** Unix seconds. */
  readonly created: number;
  /** Premium and managed HSM only: the data key is wrapped by an AES key in the HSM too, not by the root key alone. */
  readonly dataKeyProtection?: "hsm";
  /** Jurisdiction and location hint, fixed at creation; absent for a vault in the default namespace without a hint. */
  readonly placement?: VaultPlacement;
}

export const RETENTION_MIN_DAYS = 7;
export const RETENTION_MAX_DAYS = 90;
export const RETENTION_DEFAULT_DAYS = 90;

/**
 * Azure's DeletionRecoveryLevel for a soft-delete vault: "Customized" when retention is below
 * 90 days, "+Purgeable" unless purge protection is on (keys.json DeletionRecoveryLevel).
 */
export function recoveryLevel(config: Pick<VaultConfig, "retentionDays" | "purgeProtection">): string {
  const base = config.retentionDays < RETENTION_MAX_DAYS ? "CustomizedRecoverable" : "Recoverable";
  return config.purgeProtection ? base : `${base}+Purgeable`;
}
