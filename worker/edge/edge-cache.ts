import { leaseServable } from "../../core/domain/vault/edge-lease.ts";
import { cacheKeyOf, sealKeptBody, openKeptBody, type KeptAnswer } from "./kept-body-seal.ts";

/**
 * Where the Worker keeps leased reads (docs/edge-reads.md, "Edge cache"): this isolate's memory first, then the
 * Workers Cache API, which every isolate of the data centre shares. Two kinds of entries, each valid until the lease
 * the vault object granted with it:
 * - a read's answer body, under the request's address (tenant, vault host, api-version, object version);
 * - a caller's permission for the read's data action on that object.
 * A hit needs both. Nothing here is ever invalidated: the vault object makes a change wait until the leases it
 * granted before it have run out (durable-objects/vault/edge-leases.ts), which reaches every colo without calling one.
 * In the Cache API (which may write to disk, and which other Workers of the zone share) every entry is sealed with a
 * key derived from ROOT_KEY and bound to its address, lease included, and stored under a keyed hash of the address
 * (kept-body-seal.ts): it names no tenant, vault, object or principal, and an entry planted by anyone else is refused.
 * Every lease is checked against the clock read after the last await, and never trusted beyond one lease ahead.
 */

export interface EdgeAddress {
  /** The read's answer: tenant, vault host as addressed, api-version (the body's shape), object version. */
  readonly read: string;
  /** The caller's permission: tenant, vault, principal, data action, object; null for a read without a caller. */
  readonly permission: string | null;
}

/** Bodies kept in this isolate, at most this many bytes (an isolate has 128 MB); the oldest go first. */
const MEMORY_BUDGET_BYTES = 16 * 1024 * 1024;
/** What a permission entry seals: only its lease and address matter. */
const GRANTED: KeptAnswer = { body: "granted", etag: "" };

const bodies = new Map<string, KeptAnswer & { leaseUntilMs: number }>();
const permissions = new Map<string, number>();
let memoryBytes = 0;

/** The kept read the caller may be answered with now, or null. `now` is replaced by tests only. */
export async function keptRead(rootSecret: string, address: EdgeAddress, now: () => number = Date.now): Promise<KeptAnswer | null> {
  if (address.permission !== null && !(await permitted(rootSecret, address.permission, now))) return null;
  const inMemory = bodies.get(address.read);
  if (inMemory !== undefined && leaseServable(inMemory.leaseUntilMs, now())) return inMemory;
  const opened = await fromCacheApi(rootSecret, "read", address.read);
  if (opened === null || !leaseServable(opened.leaseUntilMs, now())) return null;
  remember(address.read, opened, opened.leaseUntilMs);
  return opened;
}

/** Keeps a read the vault object leased, in memory at once and in the Cache API (returned: hand it to waitUntil). */
export async function keepRead(rootSecret: string, address: EdgeAddress, answer: KeptAnswer, leaseUntilMs: number, nowMs: number): Promise<void> {
  if (!leaseServable(leaseUntilMs, nowMs)) return;
  remember(address.read, answer, leaseUntilMs);
  const { permission } = address;
  if (permission !== null) permissions.set(permission, Math.max(permissions.get(permission) ?? 0, leaseUntilMs));
  const maxAge = Math.ceil((leaseUntilMs - nowMs) / 1000);
  await Promise.all([
    toCacheApi(rootSecret, "read", address.read, answer, leaseUntilMs, maxAge),
    permission === null ? null : toCacheApi(rootSecret, "permission", permission, GRANTED, leaseUntilMs, maxAge),
  ]);
}

async function permitted(rootSecret: string, key: string, now: () => number): Promise<boolean> {
  const inMemory = permissions.get(key);
  if (inMemory !== undefined && leaseServable(inMemory, now())) return true;
  const opened = await fromCacheApi(rootSecret, "permission", key);
  if (opened === null || !leaseServable(opened.leaseUntilMs, now())) return false;
  permissions.set(key, opened.leaseUntilMs);
  return true;
}

/** A sealed entry's address names its kind, so a read's entry can never stand for a permission or the reverse. */
const sealedAddress = (kind: "read" | "permission", key: string): string => `${kind}|${key}`;

async function fromCacheApi(rootSecret: string, kind: "read" | "permission", key: string) {
  const address = sealedAddress(kind, key);
  const cached = await caches.default.match(await cacheKeyOf(rootSecret, address));
  return cached === undefined ? null : openKeptBody(rootSecret, address, await cached.arrayBuffer());
}

async function toCacheApi(rootSecret: string, kind: "read" | "permission", key: string, answer: KeptAnswer, leaseUntilMs: number, maxAge: number) {
  const address = sealedAddress(kind, key);
  const sealed = await sealKeptBody(rootSecret, address, answer, leaseUntilMs);
  await caches.default.put(await cacheKeyOf(rootSecret, address), new Response(sealed, { headers: { "Cache-Control": `max-age=${maxAge}` } }));
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
