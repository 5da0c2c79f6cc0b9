import { generateKey } from "../../core/crypto/keys/generate-for-spec.ts";
import { lifetimeActionDue } from "../../core/domain/certificates/certificate-policy.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { issue } from "./certificate-issuance.ts";
import { openPrivateJwk } from "./key-material.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox, CertificateStores } from "./vault-context.ts";

/**
 * Points the name's lifetime action (AutoRenew or EmailContacts, certificates.json LifetimeAction) at the
 * time it falls due for the current version: a percentage of its lifetime, or days before it expires.
 * No live version, no policy, or no action: nothing is due.
 */
export function refreshLifetimeAction(ctx: ObjectStore & Scheduling & CertificateStores, name: string): void {
  const key = nameKey(name);
  const policy = ctx.certificatePolicies.get(key)?.policy;
  const found = ctx.objects.versionWithState("certificate", key, undefined);
  const action = policy?.lifetimeActions[0];
  const live = found !== null && found.state.deletedAt === null;
  const { nbf, exp } = found?.latest.attributes ?? {};
  const due = live && action !== undefined && nbf !== undefined && exp !== undefined ? lifetimeActionDue(action, nbf, exp) : null;
  ctx.certificatePolicies.setNextAction(key, due);
  ctx.reschedule();
}

/**
 * The alarm's part: a due AutoRenew starts a new version from the policy (a new key unless reuse_key), whose
 * operation completes as any create's does (self-signed: certificate-completion.ts; others: the merge), and which
 * points the action at the new version then; a due EmailContacts is delivered as the version's
 * CertificateNearExpiry event to the vault's subscriptions (this vault sends no e-mail; the contacts are for the
 * receivers of those events).
 */
export async function runDueLifetimeActions(ctx: VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox & CertificateStores): Promise<void> {
  const now = toUnixSeconds(ctx.clock.now());
  for (const key of ctx.certificatePolicies.dueActions(now)) {
    const policy = ctx.certificatePolicies.get(key)?.policy;
    const found = ctx.objects.versionWithState("certificate", key, undefined);
    if (policy === undefined || found === null || found.state.deletedAt !== null) {
      ctx.certificatePolicies.setNextAction(key, null);
      continue;
    }
    const action = policy.lifetimeActions[0];
    const name = found.state.name;
    if (action?.action === "AutoRenew") {
      // An operation already in progress renews the certificate when it completes.
      if (ctx.certificateOperations.get(key)?.state.status !== "inProgress") {
        const jwk = policy.keyProps.reuseKey
          ? await openPrivateJwk(ctx, ctx.objects.versionWithState("key", key, found.latest.version)?.latest ?? found.latest)
          : (await generateKey(policy.keyProps)).jwk;
        await issue(ctx, { name, policy, jwk });
      }
      ctx.certificatePolicies.setNextAction(key, null);
    } else {
      ctx.transaction(() => ctx.events.nearExpiryNotice("certificate", name, found.latest.version));
      ctx.certificatePolicies.setNextAction(key, null);
    }
  }
}
