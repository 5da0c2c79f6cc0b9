import type { HsmKeyReference } from "../../core/hsm/hsm-key-reference.ts";
import { destroyTokenKeys } from "./hsm-keys.ts";
import { purgeableTokenKeys } from "./hsm-key-lifecycle.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, EventOutbox } from "./vault-context.ts";

/**
 * Purges the soft-deleted objects whose retention has ended (the alarm's first duty). HSM keys' token objects are
 * read before the purge (opening their references awaits) and destroyed after it has committed.
 */
export async function purgeDueObjects(ctx: VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & EventOutbox, nowSeconds: number): Promise<void> {
  const tokenKeys = new Map<string, HsmKeyReference[]>();
  for (const due of ctx.objects.duePurges(nowSeconds)) {
    if (due.kind === "key") tokenKeys.set(due.key, await purgeableTokenKeys(ctx, due.key));
  }
  const purged = ctx.transaction(() => {
    // Asked again: a key recovered meanwhile is no longer due, and its token objects must stay.
    const due = ctx.objects.duePurges(nowSeconds);
    for (const d of due) {
      ctx.objects.purge(d.kind, d.key);
      ctx.events.expiryInputsChanged(d.kind, d.key);
    }
    return due;
  });
  await destroyTokenKeys(ctx, purged.flatMap((d) => (d.kind === "key" ? (tokenKeys.get(d.key) ?? []) : [])));
}
