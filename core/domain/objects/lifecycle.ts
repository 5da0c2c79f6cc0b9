import type { AttributesPatch, ObjectAttributes } from "./attributes.ts";
import { DAY_MS, toUnixSeconds } from "../clock.ts";
import type { VaultConfig } from "../vault/vault-config.ts";

/** Attributes of a new version: enabled unless the client says otherwise (Azure default). */
export function newAttributes(patch: AttributesPatch | undefined, nowMs: number): ObjectAttributes {
  const now = toUnixSeconds(nowMs);
  return applyPatch({ enabled: true, created: now, updated: now }, patch, nowMs);
}

/** PATCH semantics: absent fields stay, null clears nbf/exp, `updated` moves to now. */
export function applyPatch(current: ObjectAttributes, patch: AttributesPatch | undefined, nowMs: number): ObjectAttributes {
  const next: { -readonly [K in keyof ObjectAttributes]: ObjectAttributes[K] } = {
    ...current,
    updated: toUnixSeconds(nowMs),
  };
  if (patch === undefined) return next;
  if (patch.enabled !== undefined) next.enabled = patch.enabled;
  if (patch.nbf === null) delete next.nbf;
  else if (patch.nbf !== undefined) next.nbf = patch.nbf;
  if (patch.exp === null) delete next.exp;
  else if (patch.exp !== undefined) next.exp = patch.exp;
  return next;
}

/** Soft delete keeps an object for the vault's retention period, then the purge alarm removes it. */
export function scheduledPurge(config: Pick<VaultConfig, "retentionDays">, deletedAtMs: number): number {
  return toUnixSeconds(deletedAtMs + config.retentionDays * DAY_MS);
}
