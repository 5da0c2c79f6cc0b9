import type { CertificateView, PendingCertificateItem } from "../../core/contract/certificates.ts";
import { decodeNameCursor, encodeCursor } from "../../core/domain/objects/paging.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import type { NameFilter, Page, PageRequest } from "../../core/contract/common.ts";
import { certificateView } from "./certificate-views.ts";
import type { VaultScope, ObjectStore, CertificateStores } from "./vault-context.ts";

type Item = CertificateView | PendingCertificateItem;
type PendingName = { nameKey: string; name: string };

/**
 * GetCertificates: live certificates by name; with includePending, names whose first version is still
 * pending join them in name order (one cursor over both, so pages never repeat or skip a name). The page's filter
 * (docs/edge-reads.md) narrows both.
 */
export function certificatePage(ctx: VaultScope & ObjectStore & CertificateStores, page: PageRequest, includePending: boolean): Page<Item> {
  const after = decodeNameCursor(page.skipToken);
  const limit = page.maxResults + 1;
  const live = ctx.objects.namesPage("certificate", false, after, limit, ctx.clock.now(), page.filter).map((r) => ({
    key: nameKey(r.state.name),
    item: certificateView(ctx.config, r.latest, ctx.certificatePolicies.get(nameKey(r.state.name))?.policy ?? null) as Item,
  }));
  const pending = includePending
    ? pendingNames(ctx, after, limit, page.filter)
        .filter((p) => ctx.objects.findName("certificate", p.nameKey) === null)
        .map((p) => ({ key: p.nameKey, item: { name: p.name, pending: true } as Item }))
    : [];
  const merged = [...live, ...pending].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, limit);
  const items = merged.slice(0, page.maxResults);
  const last = items[items.length - 1];
  return { items: items.map((m) => m.item), next: merged.length > page.maxResults && last !== undefined ? encodeCursor({ after: last.key }) : null };
}

/**
 * The first `limit` names after `after` with an operation in progress and no version yet, within the filter.
 * Such a name has no version, so no tags: a tag filter selects none of them. A prefix is a range of the operations'
 * name order: their repository's exclusive lower bound starts at the prefix, the name equal to the prefix is looked
 * up on its own, and the in-range names come first, so cutting at the first one out of range loses none.
 */
function pendingNames(ctx: CertificateStores, after: string, limit: number, filter: NameFilter | undefined): PendingName[] {
  if (filter?.tag !== undefined) return [];
  const prefix = filter?.namePrefix;
  if (prefix === undefined) return ctx.certificateOperations.pendingNames(after, limit);
  const exact = after < prefix ? pendingByKey(ctx, prefix) : [];
  const rest = ctx.certificateOperations.pendingNames(after > prefix ? after : prefix, limit);
  return [...exact, ...rest].filter((p) => p.nameKey.startsWith(prefix)).slice(0, limit);
}

function pendingByKey(ctx: CertificateStores, key: string): PendingName[] {
  const state = ctx.certificateOperations.get(key)?.state;
  return state?.status === "inProgress" ? [{ nameKey: key, name: state.name }] : [];
}
