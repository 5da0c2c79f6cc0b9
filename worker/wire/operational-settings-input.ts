import { badParameter } from "../../core/errors/vault-error.ts";
import { MAX_LIMIT, THROTTLE_BUCKETS, type ThrottleOverrides } from "../../core/domain/throttle/throttle-limits.ts";
import {
  AUDIT_RETENTION_MAX_DAYS,
  AUDIT_RETENTION_MIN_DAYS,
  type VaultSettingsPatch,
} from "../../core/domain/vault/vault-operational-settings.ts";
import { LONG_RUNNING_MODES, isLongRunningMode } from "../../core/domain/objects/long-running.ts";
import { networkAclsInput } from "../../core/domain/vault/network-acls.ts";
import { corsInput } from "../../core/domain/vault/cors-rules.ts";
import { accessPoliciesInput } from "../../core/domain/rbac/access-policy.ts";

/**
 * `throttleLimits`: units per 10-second window per bucket (secretCreate, secrets, keyCreate, keys),
 * each an integer 1–1,000,000; omitted buckets keep Azure's default; null returns all to the defaults.
 */
export function throttleOverridesInput(value: unknown): ThrottleOverrides | null {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("throttleLimits must be an object or null.");
  const overrides: { [B in (typeof THROTTLE_BUCKETS)[number]]?: number } = {};
  for (const [bucket, limit] of Object.entries(value)) {
    const known = THROTTLE_BUCKETS.find((b) => b === bucket);
    if (known === undefined) throw badParameter(`Unknown throttle bucket '${bucket}'; expected one of ${THROTTLE_BUCKETS.join(", ")}.`);
    if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw badParameter(`throttleLimits.${bucket} must be an integer from 1 to ${MAX_LIMIT}.`);
    }
    overrides[known] = limit;
  }
  return overrides;
}

const SETTINGS = new Set(["throttleLimits", "auditRetentionDays", "longRunningOperations", "edgeCache", "publicJwks", "networkAcls", "cors", "enableRbacAuthorization", "accessPolicies"]);

/** PATCH body of a vault's operational settings. */
/** `tenantId`: the vault's, which every access policy entry must name. */
export function vaultSettingsInput(body: Record<string, unknown>, tenantId: string): VaultSettingsPatch {
  for (const key of Object.keys(body)) {
    if (!SETTINGS.has(key)) throw badParameter(`Unknown setting '${key}'.`);
  }
  const patch: { -readonly [K in keyof VaultSettingsPatch]: VaultSettingsPatch[K] } = {};
  if ("throttleLimits" in body) patch.throttleLimits = throttleOverridesInput(body.throttleLimits);
  if ("auditRetentionDays" in body) {
    const days = body.auditRetentionDays;
    if (typeof days !== "number" || !Number.isInteger(days) || days < AUDIT_RETENTION_MIN_DAYS || days > AUDIT_RETENTION_MAX_DAYS) {
      throw badParameter(`auditRetentionDays must be an integer from ${AUDIT_RETENTION_MIN_DAYS} to ${AUDIT_RETENTION_MAX_DAYS}.`);
    }
    patch.auditRetentionDays = days;
  }
  if ("longRunningOperations" in body) {
    const mode = body.longRunningOperations;
    if (!isLongRunningMode(mode)) throw badParameter(`longRunningOperations must be one of ${LONG_RUNNING_MODES.map((m) => `'${m}'`).join(", ")}.`);
    patch.longRunningOperations = mode;
  }
  if ("edgeCache" in body) patch.edgeCache = booleanSetting(body, "edgeCache");
  if ("publicJwks" in body) patch.publicJwks = booleanSetting(body, "publicJwks");
  if ("networkAcls" in body) patch.networkAcls = networkAclsInput(body.networkAcls);
  if ("cors" in body) patch.cors = corsInput(body.cors);
  if ("enableRbacAuthorization" in body) {
    if (typeof body.enableRbacAuthorization !== "boolean") throw badParameter("enableRbacAuthorization must be true or false.");
    patch.enableRbacAuthorization = body.enableRbacAuthorization;
  }
  if ("accessPolicies" in body) patch.accessPolicies = accessPoliciesInput(body.accessPolicies, tenantId);
  return patch;
}

function booleanSetting(body: Record<string, unknown>, name: "edgeCache" | "publicJwks"): boolean {
  const value = body[name];
  if (typeof value !== "boolean") throw badParameter(`${name} must be true or false.`);
  return value;
}
