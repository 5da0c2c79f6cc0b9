import { VaultError } from "../../core/errors/vault-error.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { MAX_PUBLISHED_KEYS, type KeySetOp, type KeySetResults, type PublishedKey } from "../../core/contract/key-sets.ts";
import { liveVersion } from "./object-lifecycle.ts";
import { objectErrors } from "./object-errors.ts";
import type { ObjectStore, VaultScope } from "./vault-context.ts";

/** Names read per query while gathering the vault's key set (one name-ordered index range each). */
const NAMES_PER_QUERY = 500;

type Ctx = VaultScope & ObjectStore;
type KeySetOpOf<K extends KeySetOp["kind"]> = Extract<KeySetOp, { kind: K }>;
type Handlers = { readonly [K in keyof KeySetResults]: (ctx: Ctx, op: KeySetOpOf<K>) => Promise<KeySetResults[K]> };

/** A published version, with what orders it among the others (newest first). */
interface Candidate {
  readonly key: PublishedKey;
  readonly created: number;
  readonly seq: number;
}

/**
 * Anyone may ask for a key's set, so a name that publishes nothing is answered exactly as a name that does not exist
 * (404 KeyNotFound, as GET /keys/{name} words it): a symmetric key, a key with no version that can verify now, and a
 * deleted key are indistinguishable from no key, and the names and types of keys that are not published stay unknown.
 */
const noKeySet = (name: string): VaultError => objectErrors("key").notFound(name);

/**
 * A version is published when a token signed with it may be verified now: it is enabled and within its nbf/exp (the
 * window Azure's own sign respects, key-usage.ts), it has a public key (RSA, EC and their -HSM kinds; the public
 * part is stored beside the sealed private key, so no HSM is asked), and its key_ops allow signing or verifying.
 */
function published(v: StoredVersion, nowSeconds: number): Candidate | null {
  const a = v.attributes;
  if (!a.enabled || (a.nbf !== undefined && nowSeconds < a.nbf) || (a.exp !== undefined && nowSeconds >= a.exp)) return null;
  const props = parseKeyProperties(v.props);
  if (props.publicJwk === undefined || !props.keyOps.some((op) => op === "sign" || op === "verify")) return null;
  return { key: { name: v.name, version: v.version, publicJwk: props.publicJwk }, created: a.created, seq: v.seq };
}

/** Newest first: by creation time, then (same second) by name and by version order under a name. */
function newestFirst(a: Candidate, b: Candidate): number {
  if (a.created !== b.created) return b.created - a.created;
  if (a.key.name !== b.key.name) return nameKey(a.key.name) < nameKey(b.key.name) ? -1 : 1;
  return b.seq - a.seq;
}

/**
 * The published versions among a key's newest {@link MAX_PUBLISHED_KEYS} versions (no set holds more), read as one
 * index range below the latest version's number, which is the highest (versions are numbered in order, never removed
 * one by one).
 */
function keyVersions(ctx: Ctx, latest: StoredVersion, nowSeconds: number): Candidate[] {
  const first = Math.max(0, latest.seq - MAX_PUBLISHED_KEYS);
  const versions = ctx.objects.versionsPage("key", nameKey(latest.name), first, MAX_PUBLISHED_KEYS);
  return versions.flatMap((v) => published(v, nowSeconds) ?? []);
}

/** Keeps the newest {@link MAX_PUBLISHED_KEYS}, in order. */
function newest(candidates: Candidate[]): Candidate[] {
  return candidates.sort(newestFirst).slice(0, MAX_PUBLISHED_KEYS);
}

/** The key's public part is known without opening it: a symmetric latest version makes the whole key symmetric. */
function hasPublicKey(v: StoredVersion): boolean {
  return parseKeyProperties(v.props).publicJwk !== undefined;
}

/** Published key sets (docs/edge-reads.md, "Published key sets"): reads only, of public key members only. */
export const keySetHandlers: Handlers = {
  async "keySet.key"(ctx, op) {
    // An unknown, deleted or still-settling key is KeyNotFound, as GET /keys/{name} answers it; so is one with nothing to publish.
    const latest = liveVersion(ctx, "key", op.name, undefined);
    const published = hasPublicKey(latest) ? newest(keyVersions(ctx, latest, toUnixSeconds(ctx.clock.now()))) : [];
    if (published.length === 0) throw noKeySet(op.name);
    return published.map((c) => c.key);
  },

  async "keySet.vault"(ctx) {
    const nowMs = ctx.clock.now();
    let kept: Candidate[] = [];
    for (let after = ""; ; ) {
      // Live keys whose delete or recover has settled, as GET /keys lists them.
      const names = ctx.objects.namesPage("key", false, after, NAMES_PER_QUERY, nowMs);
      for (const { latest } of names) if (hasPublicKey(latest)) kept.push(...keyVersions(ctx, latest, toUnixSeconds(nowMs)));
      // Trimmed as it goes, so a vault of many keys never holds more than two sets' worth.
      if (kept.length > 2 * MAX_PUBLISHED_KEYS) kept = newest(kept);
      const last = names[names.length - 1];
      if (last === undefined || names.length < NAMES_PER_QUERY) break;
      after = nameKey(last.state.name);
    }
    return newest(kept).map((c) => c.key);
  },

  // The discovery document is the Worker's to write; the vault object only switches, charges and audits it.
  async "keySet.discovery"() {
    return null;
  },
};
