import { leaseServable } from "../../core/domain/vault/edge-lease.ts";
import { sealKeptBody, openKeptBody, type KeptAnswer } from "./kept-body-seal.ts";

/**
 * Where the Worker keeps leased reads (docs/edge-reads.md, "Edge cache"): this isolate's memory first, then the
 * Workers Cache API, which every isolate of the data centre shares. Two kinds of entries, each valid until the lease
 * the vault object granted with it:
 * - a read's answer body, under the request's address (tenant, vault host, api-version, object version);
 * - a caller's permission for the read's data action in that vault.
 * A hit needs both. Nothing here is ever invalidated: the vault object makes a change wait until the leases it
 * granted before it have run out (durable-objects/vault/edge-leases.ts), which reaches every colo without calling one.
 * Bodies hold secret values: in the Cache API (which may write to disk) they are sealed with a key derived from
 * ROOT_KEY, bound to their address (kept-body-seal.ts); in memory they are as the vault object's are.
 */

export interface EdgeAddress {
  /** The read's answer: tenant, vault host as addressed, api-version (the body's shape), object version. */
  readonly read: string;
  /** The caller's permission: tenant, vault, principal, data action, object; null for a read without a caller. */
  readonly permission: string | null;
}

/** Bodies kept in this isolate, at most this many bytes (an isolate has 128 MB); the oldest go first. */
const MEMORY_BUDGET_BYTES = 16 * 1024 * 1024;
/** The Cache API wants a URL; this host is ours by RFC 2606 (.invalid) and never resolves. */
const CACHE_ORIGIN = "https://edge-reads.invalid";

const bodies = new Map<string, KeptAnswer & { leaseUntilMs: number }>();
const permissions = new Map<string, number>();
let memoryBytes = 0;

/** The kept read the caller may be answered with at `nowMs`, or null. */
export async function keptRead(rootSecret: string, address: EdgeAddress, nowMs: number): Promise<KeptAnswer | null> {
  if (address.permission !== null && !(await permitted(address.permission, nowMs))) return null;
  const inMemory = bodies.get(address.read);
  if (inMemory !== undefined && leaseServable(inMemory.leaseUntilMs, nowMs)) return inMemory;
  const cached = await caches.default.match(cacheUrl("read", address.read));
  if (cached === undefined) return null;
  const opened = await openKeptBody(rootSecret, address.read, await cached.arrayBuffer());
  if (opened === null || !leaseServable(opened.leaseUntilMs, nowMs)) return null;
  remember(address.read, opened, opened.leaseUntilMs);
  return opened;
}

/** Keeps a read the vault object leased, in memory at once and in the Cache API (returned: hand it to waitUntil). */
export async function keepRead(rootSecret: string, address: EdgeAddress, answer: KeptAnswer, leaseUntilMs: number, nowMs: number): Promise<void> {
  if (!leaseServable(leaseUntilMs, nowMs)) return;
  remember(address.read, answer, leaseUntilMs);
  const { permission } = address;
  if (permission !== null) permissions.set(permission, Math.max(permissions.get(permission) ?? 0, leaseUntilMs));
  const headers = { "Cache-Control": `max-age=${Math.ceil((leaseUntilMs - nowMs) / 1000)}` };
  const sealed = await sealKeptBody(rootSecret, address.read, answer, leaseUntilMs);
  await Promise.all([
    caches.default.put(cacheUrl("read", address.read), new Response(sealed, { headers })),
    permission === null ? null : caches.default.put(cacheUrl("permission", permission), new Response(String(leaseUntilMs), { headers })),
  ]);
}

async function permitted(key: string, nowMs: number): Promise<boolean> {
  const inMemory = permissions.get(key);
  if (inMemory !== undefined && leaseServable(inMemory, nowMs)) return true;
  const cached = await caches.default.match(cacheUrl("permission", key));
  if (cached === undefined) return false;
  const leaseUntilMs = Number(await cached.text());
  if (!Number.isSafeInteger(leaseUntilMs) || !leaseServable(leaseUntilMs, nowMs)) return false;
  permissions.set(key, leaseUntilMs);
  return true;
}

function remember(key: string, answer: KeptAnswer, leaseUntilMs: number): void {
  const previous = bodies.get(key);
  if (previous !== undefined) memoryBytes -= previous.body.length;
  bodies.delete(key);
  bodies.set(key, { body: answer.body, etag: answer.etag, leaseUntilMs });
  memoryBytes += answer.body.length;
  // Map order is insertion order: the first entries are the oldest.
  for (const [oldest, entry] of bodies) {
    if (memoryBytes <= MEMORY_BUDGET_BYTES) break;
    bodies.delete(oldest);
    memoryBytes -= entry.body.length;
  }
  if (permissions.size > 100_000) permissions.clear();
}

function cacheUrl(kind: "read" | "permission", key: string): string {
  return `${CACHE_ORIGIN}/${kind}/${encodeURIComponent(key)}`;
}
