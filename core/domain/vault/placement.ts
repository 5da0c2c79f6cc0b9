/**
 * Where a vault's Durable Object lives (docs/placement.md). Both are Cloudflare's Durable Object data-location
 * controls (developers.cloudflare.com/durable-objects/reference/data-location): a jurisdiction is a guarantee — the
 * object runs and stores data only inside it — and is part of the object's id; a location hint is best effort and
 * counts only on the object's first `get()`. Both are fixed when the vault is made, for its whole life.
 */

/**
 * The jurisdictions a vault may be restricted to. Cloudflare's table lists `eu` and `fedramp`; its changelog adds
 * `us` (2026-06) and the pinned workers-types know `fedramp-high`, but the pinned workers-types do not know `us`
 * and the data-location page does not list `fedramp-high`: each is one row here once it is. Core stays free of
 * Cloudflare's types; worker/clients/vault-stub.ts passes these to `jurisdiction()` and `get()`, so a value
 * Cloudflare does not know fails to compile there.
 */
export const JURISDICTIONS = {
  eu: "The European Union",
  fedramp: "FedRAMP-compliant data centers",
} as const;
export type Jurisdiction = keyof typeof JURISDICTIONS;

/** Cloudflare's location hints (data-location, "Supported locations"). */
export const LOCATION_HINTS = {
  wnam: "Western North America",
  enam: "Eastern North America",
  sam: "South America",
  weur: "Western Europe",
  eeur: "Eastern Europe",
  apac: "Asia-Pacific",
  oc: "Oceania",
  afr: "Africa",
  me: "Middle East",
} as const;
export type LocationHint = keyof typeof LOCATION_HINTS;

/** A vault's placement; an absent member means no restriction (jurisdiction) or no preference (hint). */
export interface VaultPlacement {
  readonly jurisdiction?: Jurisdiction;
  readonly locationHint?: LocationHint;
}

export const PLACEMENT_FIELDS = ["jurisdiction", "locationHint"] as const;

export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === "string" && Object.hasOwn(JURISDICTIONS, value);
}

export function isLocationHint(value: unknown): value is LocationHint {
  return typeof value === "string" && Object.hasOwn(LOCATION_HINTS, value);
}

/** The members given, or undefined when neither is: a vault without placement looks exactly as before placement existed. */
export function placementOf(jurisdiction: Jurisdiction | undefined, locationHint: LocationHint | undefined): VaultPlacement | undefined {
  if (jurisdiction === undefined && locationHint === undefined) return undefined;
  return { ...(jurisdiction === undefined ? {} : { jurisdiction }), ...(locationHint === undefined ? {} : { locationHint }) };
}

/**
 * A placement read back from somewhere that is not typed (an RPC argument, the object's storage): undefined when
 * absent or empty, null when it is not a placement at all, so the caller refuses rather than guesses a location.
 */
export function readPlacement(value: unknown): VaultPlacement | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) return null;
  const fields: Record<string, unknown> = { ...value };
  if (Object.keys(fields).some((k) => !PLACEMENT_FIELDS.some((f) => f === k))) return null;
  const { jurisdiction, locationHint } = fields;
  if (jurisdiction !== undefined && !isJurisdiction(jurisdiction)) return null;
  if (locationHint !== undefined && !isLocationHint(locationHint)) return null;
  return placementOf(jurisdiction, locationHint);
}

export function sameJurisdiction(a: VaultPlacement | undefined, b: VaultPlacement | undefined): boolean {
  return a?.jurisdiction === b?.jurisdiction;
}
