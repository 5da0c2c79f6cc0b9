import type { JWK } from "jose";
import { canonicalAuthority, isUnderAuthority } from "../../domain/release-policy/authority.ts";
import { BoundedCache } from "./bounded-cache.ts";

/**
 * An attestation authority's token-signing keys, found as OpenID Connect Discovery 1.0 §4 says — the authority's
 * `/.well-known/openid-configuration`, its `jwks_uri` (Microsoft Azure Attestation publishes `{instance}/certs`) —
 * and kept, per isolate, with bounds: at most {@link MAX_CACHED_SETS} key sets and discovery documents, each for
 * {@link KEY_SET_TTL_MS}; a token naming a kid the kept set lacks refetches it, at most every
 * {@link REFRESH_MIN_MS}. A token's `jku` (RFC 7515 §4.1.2) is honoured only under its authority's URL; key sets
 * are never fetched from anywhere else, and discovery documents pointing elsewhere are refused.
 */
export const MAX_CACHED_SETS = 32;
export const KEY_SET_TTL_MS = 5 * 60_000;
export const REFRESH_MIN_MS = 30_000;
export const MAX_KEYS_PER_SET = 32;

/** Fetches a JSON document (bounded in time and size by the implementation); throws when it cannot. */
export type JsonFetcher = (url: string) => Promise<unknown>;

export type KeySetLookup = { readonly ok: true; readonly keys: JWK[] } | { readonly ok: false; readonly reason: string };

/** What an OpenID provider's discovery document says (OIDC Discovery 1.0 §3): endpoints absent are null. */
export interface DiscoveredEndpoints {
  readonly jwksUri: string;
  readonly authorizationEndpoint: string | null;
  readonly tokenEndpoint: string | null;
}

export type EndpointsLookup = { readonly ok: true; readonly endpoints: DiscoveredEndpoints } | { readonly ok: false; readonly reason: string };

/** An endpoint a browser or this Worker is sent to: https only (OIDC Discovery 1.0 §3 requires it). */
const httpsOrNull = (value: unknown): string | null => {
  if (typeof value !== "string") return null;
  try {
    return new URL(value).protocol === "https:" ? value : null;
  } catch {
    return null;
  }
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class AuthorityKeySets {
  private readonly sets = new BoundedCache<JWK[]>(MAX_CACHED_SETS);
  private readonly discovery = new BoundedCache<DiscoveredEndpoints>(MAX_CACHED_SETS);

  /**
   * `jwksScope` "sameOrigin" lets the discovery document name a key set anywhere on the authority's origin, not only
   * under its path: an OpenID provider's issuer is often a path its keys are not under (Entra ID v2.0's issuer
   * `…/{tenant}/v2.0`, keys `…/{tenant}/discovery/v2.0/keys`). Only the document fetched from the allow-listed issuer
   * says so; a token's `jku` stays confined to the authority's path either way.
   */
  constructor(
    private readonly fetchJson: JsonFetcher,
    private readonly jwksScope: "underAuthority" | "sameOrigin" = "underAuthority",
  ) {}

  /** The key set a token of `authority` (with header `jku`, if any) is verified against. Never throws. */
  async keysFor(authority: string, jku: string | undefined, nowMs: number, refresh: boolean): Promise<KeySetLookup> {
    const base = canonicalAuthority(authority);
    if (base === null) return { ok: false, reason: `authority ${authority} is not a URL` };
    if (jku !== undefined && !isUnderAuthority(jku, base)) return { ok: false, reason: `jku ${jku} is outside authority ${base}` };
    try {
      const url = jku ?? (await this.jwksUri(base, nowMs));
      const allowed = isUnderAuthority(url, base) || (jku === undefined && this.jwksScope === "sameOrigin" && isUnderAuthority(url, new URL(base).origin));
      if (!allowed) return { ok: false, reason: `jwks_uri ${url} is outside authority ${base}` };
      return { ok: true, keys: await this.keySet(url, nowMs, refresh) };
    } catch (err) {
      return { ok: false, reason: `key set of ${base} unavailable: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /**
   * The provider's authorization and token endpoints, from the same kept discovery document as its keys (external
   * sign-in, docs/sign-in.md "External identity providers"). Never throws.
   */
  async endpoints(authority: string, nowMs: number): Promise<EndpointsLookup> {
    const base = canonicalAuthority(authority);
    if (base === null) return { ok: false, reason: `authority ${authority} is not a URL` };
    try {
      return { ok: true, endpoints: await this.discovered(base, nowMs) };
    } catch (err) {
      return { ok: false, reason: `discovery of ${base} unavailable: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private async jwksUri(base: string, nowMs: number): Promise<string> {
    return (await this.discovered(base, nowMs)).jwksUri;
  }

  private async discovered(base: string, nowMs: number): Promise<DiscoveredEndpoints> {
    const kept = this.kept(this.discovery, base, nowMs, false);
    if (kept !== null) return kept;
    const document = await this.fetchJson(`${base}/.well-known/openid-configuration`);
    if (!isObject(document) || typeof document.jwks_uri !== "string") throw new Error("discovery document has no jwks_uri");
    const endpoints = { jwksUri: document.jwks_uri, authorizationEndpoint: httpsOrNull(document.authorization_endpoint), tokenEndpoint: httpsOrNull(document.token_endpoint) };
    this.discovery.set(base, endpoints, nowMs);
    return endpoints;
  }

  private async keySet(url: string, nowMs: number, refresh: boolean): Promise<JWK[]> {
    const kept = this.kept(this.sets, url, nowMs, refresh);
    if (kept !== null) return kept;
    const document = await this.fetchJson(url);
    if (!isObject(document) || !Array.isArray(document.keys)) throw new Error("key set has no keys");
    const keys = document.keys.filter(isObject).slice(0, MAX_KEYS_PER_SET) as JWK[];
    this.sets.set(url, keys, nowMs);
    return keys;
  }

  /** A kept value still fresh (and, when refreshing, not fetched within REFRESH_MIN_MS), or null to fetch anew. */
  private kept<T>(cache: BoundedCache<T>, id: string, nowMs: number, refresh: boolean): T | null {
    const entry = cache.peek(id);
    if (entry === undefined) return null;
    const age = nowMs - entry.atMs;
    if (age < 0 || age >= KEY_SET_TTL_MS) return null;
    if (refresh && age >= REFRESH_MIN_MS) return null;
    return entry.value;
  }

  /** How many key sets are kept (for the bound's test). */
  get keptSets(): number {
    return this.sets.size;
  }
}

/** Largest discovery document or key set read: Microsoft Azure Attestation's certs with x5c chains are a few KB. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
export const FETCH_TIMEOUT_MS = 5_000;

/** The production fetcher: GET, no redirects followed, 5 s, 64 KB, JSON. */
export const fetchJsonDocument: JsonFetcher = async (url) => {
  const response = await fetch(url, { headers: { accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  const text = await boundedText(response, MAX_DOCUMENT_BYTES);
  return JSON.parse(text) as unknown;
};

export async function boundedText(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new Error(`document larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(all);
}
