import type { PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { pendingKeyAad } from "../../core/crypto/envelope/aad.ts";
import type { CertificateOperationState } from "../../core/domain/certificates/certificate-operation.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { selfSignedChain } from "./certificate-issuance.ts";
import { refreshLifetimeAction } from "./certificate-lifetime.ts";
import { storeCertificateVersion } from "./certificate-material.ts";
import { openValue } from "./sealed-values.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox, CertificateStores } from "./vault-context.ts";

type CompletionContext = VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox & CertificateStores;

const decoder = new TextDecoder();
const COMPLETED = "Certificate issued successfully.";
/** Each alarm run or list completes at most this many; the rest show in the next due time. */
const BATCH = 16;

/**
 * Completes a self-signed issuance that has fallen due (certificate-issuance.ts): the certificate, its managed key and
 * secret are stored and the operation is `completed`. Called before every certificate operation reads (so a caller
 * never sees an operation in progress past its time) and by the alarm (so one nobody reads completes too, with its
 * events). Issuing awaits signing; a request that interleaves may complete the same operation first, so the write
 * checks the operation is still the one it issued for, and otherwise discards its work.
 */
export async function completeDueIssuance(ctx: CompletionContext, name: string): Promise<void> {
  const key = nameKey(name);
  const found = ctx.certificateOperations.get(key);
  if (found === null || !isDue(found.state, ctx.clock.now())) return;
  const { state, sealedPendingKey } = found;
  const policy = ctx.certificatePolicies.get(key)?.policy;
  if (policy === undefined) throw new Error("a pending certificate has a policy");
  const jwk = JSON.parse(decoder.decode(await openValue(ctx, pendingKeyAad(ctx.config, key, state.version), sealedPendingKey))) as PrivateJwk;
  const chain = await selfSignedChain(state, policy, jwk);
  const completed: CertificateOperationState = { ...withoutCompletion(state), status: "completed", statusDetails: COMPLETED };
  const enabled = state.attributes?.enabled;
  // Its own transactions, never the request's audit record: the completion stands whatever the request answers.
  const own = { ...ctx, transaction: ctx.bookkeeping };
  try {
    await storeCertificateVersion(own, {
      name: state.name,
      version: state.version,
      jwk,
      chain,
      policy,
      ...(enabled === undefined ? {} : { attributes: { enabled } }),
      ...(state.tags === undefined ? {} : { tags: state.tags }),
      alsoInTransaction: () => {
        const current = ctx.certificateOperations.get(key)?.state;
        if (current === undefined || current.version !== state.version || !isDue(current, ctx.clock.now())) throw new Superseded();
        ctx.certificateOperations.put(key, completed, new Uint8Array(0), ctx.clock.now());
      },
    });
  } catch (error) {
    // Completed, cancelled or deleted meanwhile: the transaction rolled back and the work is dropped.
    if (error instanceof Superseded) return;
    throw error;
  }
  refreshLifetimeAction(ctx, state.name);
}

class Superseded extends Error {}

/** Every issuance due at the clock's time, a batch at a time (the alarm; the certificate list). */
export async function completeDueIssuances(ctx: CompletionContext): Promise<void> {
  for (const name of ctx.certificateOperations.dueCompletions(ctx.clock.now(), BATCH)) await completeDueIssuance(ctx, name);
}

function isDue(state: CertificateOperationState, nowMs: number): boolean {
  return state.status === "inProgress" && state.completesAt !== undefined && state.completesAt <= nowMs;
}

function withoutCompletion(state: CertificateOperationState): CertificateOperationState {
  const { completesAt: _done, ...rest } = state;
  return rest;
}
