import type { TrustedIssuer } from "../../core/domain/identity/trusted-issuer.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { forgetVerifiedOf } from "./verified-tokens.ts";

/**
 * Per-isolate copy of each tenant's trusted external issuers (docs/access-control.md "Trusted external issuers"), so
 * a token of a foreign issuer costs at most one tenant-object call per tenant per {@link TTL_MS}, whoever sends it,
 * and a cached verified token none. A change made through this isolate's admin API drops the copy at once; other
 * isolates see it within TTL_MS. When a reload finds the list changed, the tenant's remembered tokens are verified
 * afresh (verified-tokens.ts), so a withdrawn trust or mapping stops working no later than the reload.
 */
const TTL_MS = 60_000;

interface Entry {
  readonly issuers: readonly TrustedIssuer[];
  readonly fingerprint: string;
  readonly fetched: number;
}

const cache = new Map<string, Entry>();

export async function trustedIssuersOf(env: Env, tenantId: string, nowMs: number): Promise<readonly TrustedIssuer[]> {
  const entry = cache.get(tenantId);
  if (entry !== undefined && nowMs - entry.fetched >= 0 && nowMs - entry.fetched < TTL_MS) return entry.issuers;
  const result = await tenantStub(env, tenantId).manageTrustedIssuers({ kind: "list" });
  const issuers = result.ok && Array.isArray(result.value) ? result.value : [];
  const fingerprint = JSON.stringify(issuers.map((t) => [t.name, t.issuer, t.tenantId, t.objectIds]));
  if (entry !== undefined && entry.fingerprint !== fingerprint) forgetVerifiedOf(tenantId);
  cache.set(tenantId, { issuers, fingerprint, fetched: nowMs });
  return issuers;
}

/** The tenant's trust changed through this isolate: forget its copy and the tokens verified under it. */
export function forgetTrustedIssuersOf(tenantId: string): void {
  cache.delete(tenantId);
  forgetVerifiedOf(tenantId);
}
