import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { scheduledPurge } from "../../core/domain/objects/lifecycle.ts";
import { decodeNameCursor, decodeSeqCursor, encodeCursor, type Cursor } from "../../core/domain/objects/paging.ts";
import type { NameState, NamedLatest, ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import { objectErrors, purgeProtected } from "./object-errors.ts";
import type { VaultScope, ObjectStore, Transactions, Scheduling, EventOutbox } from "./vault-context.ts";

/**
 * The lifecycle every versioned object kind shares (Azure soft delete: delete, list/get deleted,
 * recover, purge; versions and paging). Kind-specific code only formats and adds its own rules.
 */

/** A live (not soft-deleted) name's latest or given version, else the kind's 404. */
export function liveVersion(ctx: ObjectStore, kind: ObjectKind, name: string, version: string | undefined): StoredVersion {
  const found = ctx.objects.versionWithState(kind, nameKey(name), version?.toLowerCase());
  if (found === null || found.state.deletedAt !== null) throw objectErrors(kind).notFound(name, version);
  return found.latest;
}

/** A soft-deleted name with its latest version, else the kind's deleted-not-found 404. */
export function deletedObject(ctx: ObjectStore, kind: ObjectKind, name: string): { state: NameState; latest: StoredVersion } {
  const key = nameKey(name);
  const found = ctx.objects.versionWithState(kind, key, undefined);
  if (found === null || found.state.deletedAt === null) throw objectErrors(kind).deletedNotFound(name);
  return found;
}

/** Stores a new version under a name, creating the name if needed; a soft-deleted name is a 409. */
export function insertNewVersion(ctx: ObjectStore & Transactions & EventOutbox, kind: ObjectKind, name: string, build: (name: string, seq: number) => StoredVersion): StoredVersion {
  const key = nameKey(name);
  return ctx.transaction(() => {
    const state = ctx.objects.findName(kind, key);
    if (state?.deletedAt != null) throw objectErrors(kind).isDeleted(state.name);
    if (state === null) ctx.objects.insertName(kind, key, name);
    const v = build(state?.name ?? name, ctx.objects.nextSeq(kind, key));
    ctx.objects.insertVersion(kind, key, v);
    ctx.events.versionCreated(kind, v.name, v.version);
    ctx.events.expiryInputsChanged(kind, v.name);
    return v;
  });
}

/** Soft delete: keep every version until the vault's retention ends (soft-delete-overview.md). */
export function softDelete(ctx: VaultScope & ObjectStore & Transactions & Scheduling & EventOutbox, kind: ObjectKind, name: string): { state: NameState; latest: StoredVersion } {
  const key = nameKey(name);
  return ctx.transaction(() => {
    const found = ctx.objects.versionWithState(kind, key, undefined);
    if (found === null || found.state.deletedAt !== null) throw objectErrors(kind).notFound(name);
    const { state, latest } = found;
    const now = ctx.clock.now();
    const deleted = { ...state, deletedAt: toUnixSeconds(now), scheduledPurgeAt: scheduledPurge(ctx.config, now) };
    ctx.objects.markDeleted(kind, key, deleted.deletedAt, deleted.scheduledPurgeAt);
    ctx.events.expiryInputsChanged(kind, name);
    ctx.reschedule();
    return { state: deleted, latest };
  });
}

export function recover(ctx: ObjectStore & Transactions & Scheduling & EventOutbox, kind: ObjectKind, name: string): StoredVersion {
  return ctx.transaction(() => {
    const { latest } = deletedObject(ctx, kind, name);
    ctx.objects.markRecovered(kind, nameKey(name));
    ctx.events.expiryInputsChanged(kind, name);
    ctx.reschedule();
    return latest;
  });
}

/** Purge: refused under purge protection, where only the end of retention removes the object. */
export function purge(ctx: VaultScope & ObjectStore & Transactions & Scheduling & EventOutbox, kind: ObjectKind, name: string): void {
  ctx.transaction(() => {
    deletedObject(ctx, kind, name);
    if (ctx.config.purgeProtection) throw purgeProtected(ctx.config.name);
    ctx.objects.purge(kind, nameKey(name));
    ctx.events.expiryInputsChanged(kind, name);
    ctx.reschedule();
  });
}

export function livePage<T>(ctx: ObjectStore, kind: ObjectKind, page: PageRequest, view: (r: NamedLatest) => T): Page<T> {
  const rows = ctx.objects.namesPage(kind, false, decodeNameCursor(page.skipToken), page.maxResults + 1);
  return pageOf(rows, page.maxResults, view, (r) => ({ after: nameKey(r.state.name) }));
}

export function deletedPage<T>(ctx: ObjectStore, kind: ObjectKind, page: PageRequest, view: (r: NamedLatest) => T): Page<T> {
  const rows = ctx.objects.namesPage(kind, true, decodeNameCursor(page.skipToken), page.maxResults + 1);
  return pageOf(rows, page.maxResults, view, (r) => ({ after: nameKey(r.state.name) }));
}

/** Versions of a live name; Azure answers an unknown name with an empty list, not a 404. */
export function versionsPage<T>(ctx: ObjectStore, kind: ObjectKind, name: string, page: PageRequest, view: (v: StoredVersion) => T): Page<T> {
  const key = nameKey(name);
  const state = ctx.objects.findName(kind, key);
  if (state === null || state.deletedAt !== null) return { items: [], next: null };
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
export function restoreVersions(ctx: ObjectStore & Transactions & EventOutbox, kind: ObjectKind, name: string, versions: readonly StoredVersion[]): StoredVersion {
  const key = nameKey(name);
  return ctx.transaction(() => {
    const state = ctx.objects.findName(kind, key);
    if (state?.deletedAt != null) throw objectErrors(kind).isDeleted(state.name);
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
