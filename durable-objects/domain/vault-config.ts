/** A vault's immutable settings, fixed at creation like Azure's soft-delete retention. */
export interface VaultConfig {
  readonly name: string;
  readonly tenantId: string;
  /** Soft-delete retention, 7–90 days (Azure default 90). */
  readonly retentionDays: number;
  /** Once on, purge is refused until the retention period has passed. */
  readonly purgeProtection: boolean;
  readonly sku: "standard" | "premium";
  /** Unix seconds. */
  readonly created: number;
  /** Premium only: the data key is wrapped by an AES key in the HSM too, not by the root key alone. */
  readonly dataKeyProtection?: "hsm";
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
