import { badParameter } from "../../core/errors/vault-error.ts";
import {
  JURISDICTIONS,
  LOCATION_HINTS,
  PLACEMENT_FIELDS,
  isJurisdiction,
  isLocationHint,
  placementOf,
  type VaultPlacement,
} from "../../core/domain/vault/placement.ts";

const quoted = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(", ");

/**
 * `placement` of a vault creation (docs/placement.md): `{ "jurisdiction"?: "eu" | "fedramp", "locationHint"?: "wnam" |
 * … }`, each member absent or null for none. Anything else is a 400 naming what is allowed, checked before the name is
 * reserved, so a refused vault changes nothing (docs/decisions.md §6.3).
 */
export function placementInput(value: unknown): VaultPlacement | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw badParameter(`placement must be an object with ${quoted(PLACEMENT_FIELDS)}.`);
  }
  const fields: Record<string, unknown> = { ...value };
  for (const key of Object.keys(fields)) {
    if (!PLACEMENT_FIELDS.some((f) => f === key)) throw badParameter(`Unknown placement field '${key}'; expected ${quoted(PLACEMENT_FIELDS)}.`);
  }
  return placementOf(jurisdictionInput(fields.jurisdiction), locationHintInput(fields.locationHint));
}

function jurisdictionInput(value: unknown) {
  if (value === undefined || value === null) return undefined;
  if (!isJurisdiction(value)) {
    throw badParameter(`placement.jurisdiction must be one of ${quoted(Object.keys(JURISDICTIONS))}, or absent for no restriction.`);
  }
  return value;
}

function locationHintInput(value: unknown) {
  if (value === undefined || value === null) return undefined;
  if (!isLocationHint(value)) {
    throw badParameter(`placement.locationHint must be one of ${quoted(Object.keys(LOCATION_HINTS))}, or absent for none.`);
  }
  return value;
}

/** How the admin API reports a vault's placement: both members always present, null when not set. */
export function placementJson(placement: VaultPlacement | undefined) {
  return { jurisdiction: placement?.jurisdiction ?? null, locationHint: placement?.locationHint ?? null };
}
