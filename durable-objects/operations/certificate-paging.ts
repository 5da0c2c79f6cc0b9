import type { CertificateView, PendingCertificateItem } from "../../core/contract/certificates.ts";
import { decodeNameCursor, encodeCursor } from "../../core/domain/objects/paging.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import { certificateView } from "./certificate-views.ts";
import type { VaultScope, ObjectStore, CertificateStores } from "./vault-context.ts";

type Item = CertificateView | PendingCertificateItem;

/**
 * GetCertificates: live certificates by name; with includePending, names whose first version is still
 * pending join them in name order (one cursor over both, so pages never repeat or skip a name).
 */
export function certificatePage(ctx: VaultScope & ObjectStore & CertificateStores, page: PageRequest, includePending: boolean): Page<Item> {
  const after = decodeNameCursor(page.skipToken);
  const limit = page.maxResults + 1;
  const live = ctx.objects.namesPage("certificate", false, after, limit, ctx.clock.now()).map((r) => ({
    key: nameKey(r.state.name),
    item: certificateView(ctx.config, r.latest, ctx.certificatePolicies.get(nameKey(r.state.name))?.policy ?? null) as Item,
  }));
  const pending = includePending
    ? ctx.certificateOperations
        .pendingNames(after, limit)
        .filter((p) => ctx.objects.findName("certificate", p.nameKey) === null)
        .map((p) => ({ key: p.nameKey, item: { name: p.name, pending: true } as Item }))
    : [];
  const merged = [...live, ...pending].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, limit);
  const items = merged.slice(0, page.maxResults);
  const last = items[items.length - 1];
  return { items: items.map((m) => m.item), next: merged.length > page.maxResults && last !== undefined ? encodeCursor({ after: last.key }) : null };
}
