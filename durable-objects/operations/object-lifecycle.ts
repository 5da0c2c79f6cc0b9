import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { scheduledPurge } from "../../core/domain/objects/lifecycle.ts";
import { namePhase, settlesAt, type NamePhase } from "../../core/domain/objects/long-running.ts";
import { decodeNameCursor, decodeSeqCursor, encodeCursor, type Cursor } from "../../core/domain/objects/paging.ts";
import type { NameState, NamedLatest, ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import { objectErrors, purgeProtected } from "./object-errors.ts";
import type { VaultScope, ObjectStore, Transactions, Scheduling, EventOutbox } from "./vault-context.ts";

/**
 * The lifecycle every versioned object kind shares (Azure soft delete: delete, list/get deleted,
 * recover, purge; versions and paging). Kind-specific code only formats and adds its own rules.
 * Delete and recover are long-running as in Azure: until they complete the name is in neither collection
 * (core/domain/objects/long-running.ts).
 */

/** A live (not soft-deleted, not being recovered) name's latest or given version, else the kind's 404. */
export function liveVersion(ctx: VaultScope & ObjectStore, kind: ObjectKind, name: string, version: string | undefined): StoredVersion {
  const found = ctx.objects.versionWithState(kind, nameKey(name), version?.toLowerCase());
  if (found === null || namePhase(found.state, ctx.clock.now()) !== "live") throw objectErrors(kind).notFound(name, version);
  return found.latest;
}

/** A live name's state, else the kind's 404. */
export function liveName(ctx: VaultScope & ObjectStore, kind: ObjectKind, name: string): NameState {
  const state = ctx.objects.findName(kind, nameKey(name));
  if (state === null || namePhase(state, ctx.clock.now()) !== "live") throw objectErrors(kind).notFound(name);
  return state;
}

/** Where a name is in its life cycle at this moment, or null when it does not exist. */
export function phaseOf(ctx: VaultScope & ObjectStore, kind: ObjectKind, name: string): NamePhase | null {
  const state = ctx.objects.findName(kind, nameKey(name));
  return state === null ? null : namePhase(state, ctx.clock.now());
}

/** A soft-deleted name whose deletion has completed, with its latest version, else the kind's deleted-not-found 404. */
export function deletedObject(ctx: VaultScope & ObjectStore, kind: ObjectKind, name: string): { state: NameState; latest: StoredVersion } {
  const key = nameKey(name);
  const found = ctx.objects.versionWithState(kind, key, undefined);
  if (found === null || namePhase(found.state, ctx.clock.now()) !== "deleted") throw objectErrors(kind).deletedNotFound(name);
  return found;
}

/** A deleted name to recover or purge: while its deletion is still in progress, Azure's 409. */
function deletedForChange(ctx: VaultScope & ObjectStore, kind: ObjectKind, name: string): { state: NameState; latest: StoredVersion } {
  const found = ctx.objects.versionWithState(kind, nameKey(name), undefined);
  const phase = found === null ? null : namePhase(found.state, ctx.clock.now());
  if (phase === "deleting") throw objectErrors(kind).deletionInProgress();
  if (found === null || phase !== "deleted") throw objectErrors(kind).deletedNotFound(name);
  return found;
}

/** Whether a name is live (or new) so that a version may be written under it; otherwise the kind's 409. */
export function assertWritable(ctx: VaultScope, kind: ObjectKind, state: NameState | null): void {
  if (state === null) return;
  const phase = namePhase(state, ctx.clock.now());
  if (phase === "deleted") throw objectErrors(kind).isDeleted(state.name);
  if (phase === "deleting") throw objectErrors(kind).isBeingDeleted(state.name);
  if (phase === "recovering") throw objectErrors(kind).isBeingRecovered(state.name);
}

/** Stores a new version under a name, creating the name if needed; a name not live is a 409. */
export function insertNewVersion(ctx: VaultScope & ObjectStore & Transactions & EventOutbox, kind: ObjectKind, name: string, build: (name: string, seq: number) => StoredVersion): StoredVersion {
  const key = nameKey(name);
  return ctx.transaction(() => {
    const state = ctx.objects.findName(kind, key);
    assertWritable(ctx, kind, state);
    if (state === null) ctx.objects.insertName(kind, key, name);
    const v = build(state?.name ?? name, ctx.objects.nextSeq(kind, key));
    ctx.objects.insertVersion(kind, key, v);
    ctx.events.versionCreated(kind, v.name, v.version);
    ctx.events.expiryInputsChanged(kind, v.name);
    return v;
  });
}

/**
 * Soft delete: keep every version until the vault's retention ends (soft-delete-overview.md). The name leaves the
 * live collection at once and enters the deleted one when the deletion completes.
 */
export function softDelete(ctx: VaultScope & ObjectStore & Transactions & Scheduling & EventOutbox, kind: ObjectKind, name: string): { state: NameState; latest: StoredVersion } {
  const key = nameKey(name);
  return ctx.transaction(() => {
    const now = ctx.clock.now();
    const found = ctx.objects.versionWithState(kind, key, undefined);
    if (found === null || namePhase(found.state, now) !== "live") throw objectErrors(kind).notFound(name);
    const { state, latest } = found;
    const deleted = { ...state, deletedAt: toUnixSeconds(now), scheduledPurgeAt: scheduledPurge(ctx.config, now), settlesAt: settlesAt(now, ctx.completionDelayMs) };
    ctx.objects.markDeleted(kind, key, deleted.deletedAt, deleted.scheduledPurgeAt, deleted.settlesAt);
    ctx.events.expiryInputsChanged(kind, name);
    ctx.reschedule();
    return { state: deleted, latest };
  });
}

/** Recover: the name leaves the deleted collection at once and is live again when the recovery completes. */
export function recover(ctx: VaultScope & ObjectStore & Transactions & Scheduling & EventOutbox, kind: ObjectKind, name: string): StoredVersion {
  return ctx.transaction(() => {
    const { latest } = deletedForChange(ctx, kind, name);
    ctx.objects.markRecovered(kind, nameKey(name), settlesAt(ctx.clock.now(), ctx.completionDelayMs));
    ctx.events.expiryInputsChanged(kind, name);
    ctx.reschedule();
    return latest;
  });
}

/** Purge: refused under purge protection, where only the end of retention removes the object. */
export function purge(ctx: VaultScope & ObjectStore & Transactions & Scheduling & EventOutbox, kind: ObjectKind, name: string): void {
  ctx.transaction(() => {
    deletedForChange(ctx, kind, name);
    if (ctx.config.purgeProtection) throw purgeProtected(ctx.config.name);
    ctx.objects.purge(kind, nameKey(name));
    ctx.events.expiryInputsChanged(kind, name);
    ctx.reschedule();
  });
}

/** Live names in name order, narrowed by the page's filter if any (served from an index: object-name-pages.ts). */
export function livePage<T>(ctx: VaultScope & ObjectStore, kind: ObjectKind, page: PageRequest, view: (r: NamedLatest) => T): Page<T> {
  const rows = ctx.objects.namesPage(kind, false, decodeNameCursor(page.skipToken), page.maxResults + 1, ctx.clock.now(), page.filter);
  return pageOf(rows, page.maxResults, view, (r) => ({ after: nameKey(r.state.name) }));
}

/** Deleted names likewise: soft delete keeps a name's tag index rows, so the same filters apply. */
export function deletedPage<T>(ctx: VaultScope & ObjectStore, kind: ObjectKind, page: PageRequest, view: (r: NamedLatest) => T): Page<T> {
  const rows = ctx.objects.namesPage(kind, true, decodeNameCursor(page.skipToken), page.maxResults + 1, ctx.clock.now(), page.filter);
  return pageOf(rows, page.maxResults, view, (r) => ({ after: nameKey(r.state.name) }));
}

/** Versions of a live name; Azure answers an unknown name with an empty list, not a 404. */
export function versionsPage<T>(ctx: VaultScope & ObjectStore, kind: ObjectKind, name: string, page: PageRequest, view: (v: StoredVersion) => T): Page<T> {
  const key = nameKey(name);
  const state = ctx.objects.findName(kind, key);
  if (state === null || namePhase(state, ctx.clock.now()) !== "live") return { items: [], next: null };
  const rows = ctx.objects.versionsPage(kind, key, decodeSeqCursor(page.skipToken), page.maxResults + 1);
  return pageOf(rows, page.maxResults, view, (v) => ({ afterSeq: v.seq }));
}

/** Fetches one row more than the page holds to know whether a next page exists. */
function pageOf<R, T>(rows: readonly R[], max: number, view: (r: R) => T, cursor: (r: R) => Cursor): Page<T> {
  const items = rows.slice(0, max);
  const last = items[items.length - 1];
  return { items: items.map(view), next: rows.length > max && last !== undefined ? encodeCursor(cursor(last)) : null };
}

/** Restore writes every version of a backup under a name that must not exist, live or deleted. */
export function restoreVersions(ctx: VaultScope & ObjectStore & Transactions & EventOutbox, kind: ObjectKind, name: string, versions: readonly StoredVersion[]): StoredVersion {
  const key = nameKey(name);
  return ctx.transaction(() => {
    const state = ctx.objects.findName(kind, key);
    assertWritable(ctx, kind, state);
    if (state !== null) throw objectErrors(kind).exists(state.name);
    ctx.objects.insertName(kind, key, name);
    for (const v of versions) ctx.objects.insertVersion(kind, key, v);
    const latest = versions[versions.length - 1];
    if (latest === undefined) throw new Error("a backup holds at least one version");
    // Restore brings back existing versions, so no NewVersionCreated; their expiry is watched again.
    ctx.events.expiryInputsChanged(kind, name);
    return latest;
  });
}
