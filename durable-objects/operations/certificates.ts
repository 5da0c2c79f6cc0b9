import { VaultError } from "../../core/errors/vault-error.ts";
import type { CertificateResults } from "../../core/contract/certificates.ts";
import { resolvePolicy } from "../../core/domain/certificates/certificate-policy-patch.ts";
import type { CertificatePolicy } from "../../core/domain/certificates/certificate-policy.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey, newVersionId } from "../../core/domain/objects/ids.ts";
import { applyPatch } from "../../core/domain/objects/lifecycle.ts";
import type { ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { backUpCertificate, restoreCertificate } from "./certificate-backup.ts";
import { completeDueIssuance, completeDueIssuances } from "./certificate-completion.ts";
import { issue } from "./certificate-issuance.ts";
import { refreshLifetimeAction } from "./certificate-lifetime.ts";
import { storeCertificateVersion } from "./certificate-material.ts";
import { cancelOperation, deleteOperation, mergeCertificate, requireOperation } from "./certificate-pending.ts";
import { certificatePage } from "./certificate-paging.ts";
import { certificateView, deletedCertificateView, operationView, pendingCertificateView } from "./certificate-views.ts";
import { deletedObject, deletedPage, liveVersion, phaseOf, purge, recover, softDelete, versionsPage } from "./object-lifecycle.ts";
import { namePhase } from "../../core/domain/objects/long-running.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox, CertificateStores } from "./vault-context.ts";

const KIND = "certificate";
/** A certificate's managed key and secret share its name and versions and follow its lifecycle. */
const MANAGED: readonly ObjectKind[] = ["key", "secret"];

type CertificateContext = VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox & CertificateStores;
type Handlers = { readonly [K in keyof CertificateResults]: (ctx: CertificateContext, op: OpOf<K>) => Promise<CertificateResults[K]> };

const policyOf = (ctx: CertificateStores, name: string): CertificatePolicy | null => ctx.certificatePolicies.get(nameKey(name))?.policy ?? null;

/**
 * The certificates API (Azure REST "Certificates" operations). Crypto and encoding are awaited first;
 * each change is one synchronous transaction over the certificate and its managed key and secret.
 */
export const certificateHandlers: Handlers = afterDueIssuances({
  // The vault object has already checked the caller's role for certificates/create/action: nothing is left to do.
  async "certificate.createPreflight"() {
    return null;
  },

  async "certificate.create"(ctx, op) {
    const policy = resolvePolicy(op.policy, null, toUnixSeconds(ctx.clock.now()));
    const state = await issue(ctx, { name: op.name, policy, jwk: op.jwk, ...metadata(op) });
    // An immediate vault's self-signed issuance is due now: completed here, it still answers inProgress (Azure's
    // shape, which Python's poller needs) and the first poll finds it completed.
    await completeDueIssuance(ctx, op.name);
    refreshLifetimeAction(ctx, op.name);
    return operationView(state);
  },

  async "certificate.import"(ctx, op) {
    const policy = resolvePolicy(op.policy, null, toUnixSeconds(ctx.clock.now()));
    const stored = await storeCertificateVersion(ctx, {
      name: op.name,
      version: newVersionId(),
      jwk: op.jwk,
      chain: op.chain,
      policy,
      ...metadata(op),
      alsoInTransaction: () => ctx.certificatePolicies.put(nameKey(op.name), policy),
    });
    refreshLifetimeAction(ctx, op.name);
    return certificateView(ctx.config, stored, policy);
  },

  async "certificate.get"(ctx, op) {
    const operation = ctx.certificateOperations.get(nameKey(op.name))?.state;
    const pending = operation !== undefined && (operation.status === "inProgress" || operation.deleted === true);
    if (pending && (op.version === undefined || op.version.toLowerCase() === operation.version)) {
      return pendingCertificateView(ctx.config, operation, policyOf(ctx, op.name));
    }
    return certificateView(ctx.config, liveVersion(ctx, KIND, op.name, op.version), policyOf(ctx, op.name));
  },

  // Only `enabled` and tags change a version (its validity comes from the certificate); the managed key
  // and secret of the version follow `enabled`. A policy in the body replaces parts of the policy.
  async "certificate.update"(ctx, op) {
    const now = ctx.clock.now();
    const updated = ctx.transaction(() => {
      const v = liveVersion(ctx, KIND, op.name, op.version);
      const enabled = op.attributes?.enabled;
      const next: StoredVersion = {
        ...v,
        attributes: applyPatch(v.attributes, enabled === undefined ? undefined : { enabled }, now),
        ...(op.tags === undefined ? {} : { tags: op.tags }),
      };
      ctx.objects.updateMetadata(KIND, nameKey(op.name), next);
      for (const kind of MANAGED) {
        const managed = ctx.objects.versionWithState(kind, nameKey(op.name), v.version)?.latest;
        if (managed !== undefined) ctx.objects.updateMetadata(kind, nameKey(op.name), { ...managed, attributes: { ...managed.attributes, enabled: next.attributes.enabled, updated: next.attributes.updated } });
      }
      if (op.policy !== undefined) ctx.certificatePolicies.put(nameKey(op.name), resolvePolicy(op.policy, policyOf(ctx, op.name), toUnixSeconds(now)));
      ctx.events.expiryInputsChanged(KIND, op.name);
      return next;
    });
    refreshLifetimeAction(ctx, op.name);
    return certificateView(ctx.config, updated, policyOf(ctx, op.name));
  },

  async "certificate.list"(ctx, op) {
    return certificatePage(ctx, op.page, op.includePending);
  },

  async "certificate.listVersions"(ctx, op) {
    const policy = policyOf(ctx, op.name);
    return versionsPage(ctx, KIND, op.name, op.page, (v) => certificateView(ctx.config, v, policy));
  },

  async "certificate.delete"(ctx, op) {
    const deleted = ctx.transaction(() => {
      const result = softDelete(ctx, KIND, op.name);
      for (const kind of MANAGED) if (phaseOf(ctx, kind, op.name) === "live") softDelete(ctx, kind, op.name);
      ctx.certificatePolicies.setNextAction(nameKey(op.name), null);
      return result;
    });
    return deletedCertificateView(ctx.config, deleted.state, deleted.latest, policyOf(ctx, op.name));
  },

  async "certificate.listDeleted"(ctx, op) {
    return deletedPage(ctx, KIND, op.page, (r) => deletedCertificateView(ctx.config, r.state, r.latest, policyOf(ctx, r.state.name)));
  },

  async "certificate.getDeleted"(ctx, op) {
    const { state, latest } = deletedObject(ctx, KIND, op.name);
    return deletedCertificateView(ctx.config, state, latest, policyOf(ctx, op.name));
  },

  async "certificate.recover"(ctx, op) {
    const latest = ctx.transaction(() => {
      const recovered = recover(ctx, KIND, op.name);
      for (const kind of MANAGED) if (phaseOf(ctx, kind, op.name) === "deleted") recover(ctx, kind, op.name);
      return recovered;
    });
    refreshLifetimeAction(ctx, op.name);
    return certificateView(ctx.config, latest, policyOf(ctx, op.name));
  },

  async "certificate.purge"(ctx, op) {
    ctx.transaction(() => {
      purge(ctx, KIND, op.name);
      for (const kind of MANAGED) if (phaseOf(ctx, kind, op.name) === "deleted") purge(ctx, kind, op.name);
      ctx.certificatePolicies.delete(nameKey(op.name));
      ctx.certificateOperations.delete(nameKey(op.name));
      return null;
    });
    return null;
  },

  async "certificate.getPolicy"(ctx, op) {
    const v = liveVersionOrPending(ctx, op.name);
    const policy = policyOf(ctx, op.name);
    if (policy === null) throw notFound(op.name);
    return { name: v, policy };
  },

  async "certificate.updatePolicy"(ctx, op) {
    const name = liveVersionOrPending(ctx, op.name);
    const policy = ctx.transaction(() => {
      const next = resolvePolicy(op.policy, policyOf(ctx, op.name), toUnixSeconds(ctx.clock.now()));
      ctx.certificatePolicies.put(nameKey(op.name), next);
      return next;
    });
    refreshLifetimeAction(ctx, op.name);
    return { name, policy };
  },

  async "certificate.getOperation"(ctx, op) {
    return operationView(requireOperation(ctx, op.name).state);
  },

  /** UpdateCertificateOperation: `cancellation_requested: true` cancels; false changes nothing and answers the operation. */
  async "certificate.updateOperation"(ctx, op) {
    return operationView(op.cancellationRequested ? cancelOperation(ctx, op.name) : requireOperation(ctx, op.name).state);
  },

  async "certificate.deleteOperation"(ctx, op) {
    return operationView(deleteOperation(ctx, op.name));
  },

  async "certificate.merge"(ctx, op) {
    const stored = await mergeCertificate(ctx, op);
    refreshLifetimeAction(ctx, op.name);
    return certificateView(ctx.config, stored, policyOf(ctx, op.name));
  },

  async "certificate.backup"(ctx, op) {
    return backUpCertificate(ctx, op.name);
  },

  async "certificate.restore"(ctx, op) {
    const restored = await restoreCertificate(ctx, op.blob);
    refreshLifetimeAction(ctx, restored.name);
    return certificateView(ctx.config, restored, policyOf(ctx, restored.name));
  },
});

type AnyHandler = (ctx: CertificateContext, op: { readonly name?: string }) => Promise<unknown>;

/**
 * Each certificate operation runs once the self-signed issuances due at its time are complete (on its own name, or
 * all of them for operations without one), so no caller sees an operation in progress past its completion time
 * (certificate-completion.ts).
 */
function afterDueIssuances(handlers: Handlers): Handlers {
  const wrapped: Record<string, AnyHandler> = {};
  for (const [kind, handler] of Object.entries(handlers) as [string, AnyHandler][]) {
    wrapped[kind] = async (ctx, op) => {
      await (op.name === undefined ? completeDueIssuances(ctx) : completeDueIssuance(ctx, op.name));
      // Awaited, not returned: a returned rejected promise is adopted a tick later, and workerd reports it unhandled.
      return await handler(ctx, op);
    };
  }
  return wrapped as unknown as Handlers;
}

function metadata(op: { readonly attributes?: { readonly enabled?: boolean }; readonly tags?: Readonly<Record<string, string>> }) {
  const enabled = op.attributes?.enabled;
  return { ...(enabled === undefined ? {} : { attributes: { enabled } }), ...(op.tags === undefined ? {} : { tags: op.tags }) };
}

const notFound = (name: string): VaultError => new VaultError("CertificateNotFound", `A certificate with (name/id) ${name} was not found in this key vault.`);

/** A policy belongs to a live certificate, or to a name whose first version is still pending. */
function liveVersionOrPending(ctx: VaultScope & ObjectStore & CertificateStores, name: string): string {
  const key = nameKey(name);
  const state = ctx.objects.findName(KIND, key);
  if (state !== null && namePhase(state, ctx.clock.now()) === "live") return state.name;
  const operation = ctx.certificateOperations.get(key);
  if (state === null && operation !== null) return operation.state.name;
  throw notFound(name);
}
