import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from "jose";
import { tenantStub } from "../clients/tenant-stub.ts";
import { forgetVerifiedOf } from "./verified-tokens.ts";

const TTL_MS = 5 * 60_000;
/** An unknown kid may mean a new key: refetch, but not more often than this. */
const REFRESH_MIN_MS = 30_000;

interface Entry {
  readonly getKey: JWTVerifyGetKey;
  readonly fetched: number;
}

const cache = new Map<string, Entry>();

async function load(env: Env, tenantId: string): Promise<Entry> {
  const keys: JWK[] = await tenantStub(env, tenantId).jwks();
  const entry = { getKey: createLocalJWKSet({ keys }), fetched: Date.now() };
  cache.set(tenantId, entry);
  forgetVerifiedOf(tenantId);
  return entry;
}

/**
 * Per-isolate cache of each tenant's token-verification keys, so verifying a token costs no RPC.
 * `refresh` asks for a reload when a token names a kid the cached set lacks.
 */
export async function tenantKeys(env: Env, tenantId: string, refresh = false): Promise<JWTVerifyGetKey> {
  const entry = cache.get(tenantId);
  const age = entry === undefined ? Infinity : Date.now() - entry.fetched;
  if (entry !== undefined && age < TTL_MS && !(refresh && age >= REFRESH_MIN_MS)) return entry.getKey;
  return (await load(env, tenantId)).getKey;
}
