import type { AzureKeyType } from "../../crypto/keys/key-types.ts";

/**
 * Azure Key Vault service limits for vaults ("Azure Key Vault service limits", resource type vaults):
 * maximum transactions per vault in 10 seconds. Each request is charged to one bucket. Key transactions
 * are weighted and enforced on their sum: a bucket's capacity is counted in the units of its cheapest
 * transaction, and a transaction costs `capacity / its own limit` units (an RSA-4096 HSM GET costs
 * 4000 / 250 = 16 units, eight times an RSA-2048 HSM GET at 2 units, as the limits page explains).
 */
export type ThrottleBucket = "secretCreate" | "secrets" | "keyCreate" | "keys";

export const THROTTLE_BUCKETS: readonly ThrottleBucket[] = ["secretCreate", "secrets", "keyCreate", "keys"];

/** Capacity of each bucket per window, in units. */
export type ThrottleLimits = { readonly [B in ThrottleBucket]: number };

export const WINDOW_SECONDS = 10;

/** Azure's per-vault numbers: secrets CREATE 300, other secret and vault transactions 4,000; software keys CREATE 20, others 4,000. */
export const AZURE_VAULT_LIMITS: ThrottleLimits = { secretCreate: 300, secrets: 4000, keyCreate: 20, keys: 4000 };

/** "A subscription-wide limit for all transaction types is five times per key vault limit." */
export const TENANT_LIMIT_FACTOR = 5;

/** Limits given as overrides of Azure's defaults (a SaaS operator's tier), each a positive integer. */
export type ThrottleOverrides = { readonly [B in ThrottleBucket]?: number };

export const MAX_LIMIT = 1_000_000;

export function resolveLimits(defaults: ThrottleLimits, overrides: ThrottleOverrides | null): ThrottleLimits {
  return { ...defaults, ...(overrides ?? {}) };
}

export function tenantDefaults(vaultDefaults: ThrottleLimits): ThrottleLimits {
  return {
    secretCreate: vaultDefaults.secretCreate * TENANT_LIMIT_FACTOR,
    secrets: vaultDefaults.secrets * TENANT_LIMIT_FACTOR,
    keyCreate: vaultDefaults.keyCreate * TENANT_LIMIT_FACTOR,
    keys: vaultDefaults.keys * TENANT_LIMIT_FACTOR,
  };
}

/** What a key transaction is charged by: its type and size (the limits table's rows). */
export interface KeyWeightInput {
  readonly kty: AzureKeyType;
  readonly keySize?: number;
}

/**
 * Units one key transaction costs. Software: RSA-2048 and every EC curve 4,000 → 1; RSA-3072 1,000 → 4;
 * RSA-4096 500 → 8. HSM keys get half the software limits, so twice the cost. oct keys are not in
 * the vault table (Managed HSM only); they are charged like the cheapest key.
 */
export function keyTransactionCost(key: KeyWeightInput | null): number {
  if (key === null) return 1;
  const base = key.kty.startsWith("RSA") ? rsaCost(key.keySize ?? 2048) : 1;
  return key.kty.endsWith("-HSM") ? base * 2 : base;
}

function rsaCost(bits: number): number {
  if (bits >= 4096) return 8;
  if (bits >= 3072) return 4;
  return 1;
}

/** CREATE key: 20 software / 10 HSM per 10 s, so an HSM create costs two of the 20 units. */
export function keyCreateCost(kty: AzureKeyType | null): number {
  return kty !== null && kty.endsWith("-HSM") ? 2 : 1;
}
