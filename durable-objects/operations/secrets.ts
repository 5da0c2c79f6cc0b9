import { sealBackup, openBackup } from "../crypto/backup-seal.ts";
import { utf8 } from "../crypto/bytes.ts";
import { toUnixSeconds } from "../domain/clock.ts";
import { nameKey, newVersionId } from "../domain/ids.ts";
import { applyPatch, newAttributes, scheduledPurge } from "../domain/lifecycle.ts";
import { decodeNameCursor, decodeSeqCursor, encodeCursor } from "../domain/paging.ts";
import type { StoredVersion } from "../domain/versioned-object.ts";
import type { DeletedSecretView, OpOf, Page, SecretResults } from "../rpc.ts";
import { isSecretBackup } from "./secret-backup.ts";
import {
  deletedSecretNotFound,
  invalidBackup,
  purgeProtected,
  secretDisabled,
  secretExists,
  secretIsDeleted,
  secretNotFound,
} from "./secret-errors.ts";
import { deletedSecretView, secretView } from "./secret-views.ts";
import { valueAad, type VaultContext } from "./vault-context.ts";

const KIND = "secret";
const decoder = new TextDecoder();

type Handlers = { readonly [K in keyof SecretResults]: (ctx: VaultContext, op: OpOf<K>) => Promise<SecretResults[K]> };

/**
 * The secrets API (Azure REST "Secrets" operations). Crypto is awaited first; the reads that decide
 * and the writes that follow run synchronously, so no other request can interleave between them.
 */
export const secretHandlers: Handlers = {
  async "secret.set"(ctx, op) {
    const key = nameKey(op.name);
    const version = newVersionId();
    const sealedValue = await (await ctx.dataKey()).seal(utf8(op.value), valueAad(ctx.config, KIND, key, version));
    const stored = ctx.transaction(() => {
      const state = ctx.objects.findName(KIND, key);
      if (state?.deletedAt != null) throw secretIsDeleted(state.name);
      if (state === null) ctx.objects.insertName(KIND, key, op.name);
      const v: StoredVersion = {
        name: state?.name ?? op.name,
        version,
        seq: ctx.objects.nextSeq(KIND, key),
        attributes: newAttributes(op.attributes, ctx.clock.now()),
        ...(op.contentType === undefined ? {} : { contentType: op.contentType }),
        ...(op.tags === undefined ? {} : { tags: op.tags }),
        managed: false,
        sealedValue,
      };
      ctx.objects.insertVersion(KIND, key, v);
      return v;
    });
    return secretView(ctx.config, stored, op.value);
  },

  async "secret.get"(ctx, op) {
    const v = liveVersion(ctx, op.name, op.version);
    // Secrets' nbf/exp are informational (about-secrets.md); only `enabled` gates reading the value.
    if (!v.attributes.enabled) throw secretDisabled();
    const plain = await (await ctx.dataKey()).open(v.sealedValue, valueAad(ctx.config, KIND, nameKey(op.name), v.version));
    return secretView(ctx.config, v, decoder.decode(plain));
  },

  async "secret.update"(ctx, op) {
    const updated = ctx.transaction(() => {
      const v = liveVersion(ctx, op.name, op.version);
      const next: StoredVersion = {
        ...v,
        attributes: applyPatch(v.attributes, op.attributes, ctx.clock.now()),
        ...(op.contentType === undefined ? {} : { contentType: op.contentType }),
        ...(op.tags === undefined ? {} : { tags: op.tags }),
      };
      ctx.objects.updateMetadata(KIND, nameKey(op.name), next);
      return next;
    });
    return secretView(ctx.config, updated);
  },

  async "secret.delete"(ctx, op) {
    const key = nameKey(op.name);
    return ctx.transaction(() => {
      const state = ctx.objects.findName(KIND, key);
      const latest = ctx.objects.latest(KIND, key);
      if (state === null || state.deletedAt !== null || latest === null) throw secretNotFound(op.name);
      const now = ctx.clock.now();
      const deleted = { ...state, deletedAt: toUnixSeconds(now), scheduledPurgeAt: scheduledPurge(ctx.config, now) };
      ctx.objects.markDeleted(KIND, key, deleted.deletedAt, deleted.scheduledPurgeAt);
      ctx.reschedulePurge();
      return deletedSecretView(ctx.config, deleted, latest);
    });
  },

  async "secret.list"(ctx, op) {
    const rows = ctx.objects.namesPage(KIND, false, decodeNameCursor(op.page.skipToken), op.page.maxResults + 1);
    return pageOf(rows, op.page.maxResults, (r) => secretView(ctx.config, r.latest), (r) => ({ after: nameKey(r.state.name) }));
  },

  async "secret.listVersions"(ctx, op) {
    const key = nameKey(op.name);
    const state = ctx.objects.findName(KIND, key);
    if (state === null || state.deletedAt !== null) return { items: [], next: null };
    const rows = ctx.objects.versionsPage(KIND, key, decodeSeqCursor(op.page.skipToken), op.page.maxResults + 1);
    return pageOf(rows, op.page.maxResults, (v) => secretView(ctx.config, v), (v) => ({ afterSeq: v.seq }));
  },

  async "secret.backup"(ctx, op) {
    const key = nameKey(op.name);
    const state = ctx.objects.findName(KIND, key);
    if (state === null || state.deletedAt !== null) throw secretNotFound(op.name);
    const dataKey = await ctx.dataKey();
    const versions = await Promise.all(
      ctx.objects.allVersions(KIND, key).map(async (v) => ({
        version: v.version,
        value: decoder.decode(await dataKey.open(v.sealedValue, valueAad(ctx.config, KIND, key, v.version))),
        ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
        attributes: v.attributes,
        ...(v.tags === undefined ? {} : { tags: v.tags }),
        managed: v.managed,
      })),
    );
    const blob = await sealBackup(await ctx.rootKey(), ctx.config.tenantId, KIND, { name: state.name, versions });
    return { blob };
  },

  async "secret.restore"(ctx, op) {
    const backup = await openBackup(await ctx.rootKey(), ctx.config.tenantId, KIND, op.blob);
    if (!isSecretBackup(backup)) throw invalidBackup();
    const key = nameKey(backup.name);
    const dataKey = await ctx.dataKey();
    const sealed = await Promise.all(
      backup.versions.map((v) => dataKey.seal(utf8(v.value), valueAad(ctx.config, KIND, key, v.version))),
    );
    const latest = ctx.transaction(() => {
      const state = ctx.objects.findName(KIND, key);
      if (state?.deletedAt != null) throw secretIsDeleted(state.name);
      if (state !== null) throw secretExists(state.name);
      ctx.objects.insertName(KIND, key, backup.name);
      let last: StoredVersion | undefined;
      backup.versions.forEach((v, i) => {
        last = {
          name: backup.name,
          version: v.version,
          seq: i + 1,
          attributes: v.attributes,
          ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
          ...(v.tags === undefined ? {} : { tags: v.tags }),
          managed: v.managed,
          sealedValue: sealed[i] as Uint8Array,
        };
        ctx.objects.insertVersion(KIND, key, last);
      });
      return last as StoredVersion;
    });
    return secretView(ctx.config, latest);
  },

  async "secret.listDeleted"(ctx, op) {
    const rows = ctx.objects.namesPage(KIND, true, decodeNameCursor(op.page.skipToken), op.page.maxResults + 1);
    return pageOf(
      rows,
      op.page.maxResults,
      (r): DeletedSecretView => deletedSecretView(ctx.config, r.state, r.latest),
      (r) => ({ after: nameKey(r.state.name) }),
    );
  },

  async "secret.getDeleted"(ctx, op) {
    const { state, latest } = deletedSecret(ctx, op.name);
    return deletedSecretView(ctx.config, state, latest);
  },

  async "secret.recover"(ctx, op) {
    return ctx.transaction(() => {
      const { latest } = deletedSecret(ctx, op.name);
      ctx.objects.markRecovered(KIND, nameKey(op.name));
      ctx.reschedulePurge();
      return secretView(ctx.config, latest);
    });
  },

  async "secret.purge"(ctx, op) {
    return ctx.transaction(() => {
      deletedSecret(ctx, op.name);
      // Purge protection: only the retention period ends a soft-deleted secret (soft-delete-overview.md).
      if (ctx.config.purgeProtection) throw purgeProtected(ctx.config.name);
      ctx.objects.purge(KIND, nameKey(op.name));
      ctx.reschedulePurge();
      return null;
    });
  },
};

function liveVersion(ctx: VaultContext, name: string, version: string | undefined): StoredVersion {
  const key = nameKey(name);
  const state = ctx.objects.findName(KIND, key);
  if (state === null || state.deletedAt !== null) throw secretNotFound(name, version);
  const v = version === undefined ? ctx.objects.latest(KIND, key) : ctx.objects.version(KIND, key, version.toLowerCase());
  if (v === null) throw secretNotFound(name, version);
  return v;
}

function deletedSecret(ctx: VaultContext, name: string) {
  const key = nameKey(name);
  const state = ctx.objects.findName(KIND, key);
  const latest = state?.deletedAt == null ? null : ctx.objects.latest(KIND, key);
  if (state === null || latest === null) throw deletedSecretNotFound(name);
  return { state, latest };
}

/** Fetches one row more than the page holds to know whether a next page exists. */
function pageOf<R, T>(rows: readonly R[], max: number, view: (r: R) => T, cursor: (r: R) => Parameters<typeof encodeCursor>[0]): Page<T> {
  const items = rows.slice(0, max);
  const last = items[items.length - 1];
  return { items: items.map(view), next: rows.length > max && last !== undefined ? encodeCursor(cursor(last)) : null };
}

