import { VaultError } from "../../core/errors/vault-error.ts";
import { bytesToBase64, utf8 } from "../../core/crypto/bytes.ts";
import type { PrivateJwk, PublicJwk } from "../../core/crypto/keys/key-types.ts";
import { publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { createCsr, issueSelfSigned } from "../../core/crypto/x509/index.ts";
import { isSelfIssued, type CertificatePolicy } from "../../core/domain/certificates/certificate-policy.ts";
import type { CertificateOperationState } from "../../core/domain/certificates/certificate-operation.ts";
import type { AttributesPatch, Tags } from "../../core/domain/objects/attributes.ts";
import { nameKey, newVersionId } from "../../core/domain/objects/ids.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { assertWritable } from "./object-lifecycle.ts";
import { assertFreeForCertificate } from "./managed-objects.ts";
import { pendingKeyAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox, CertificateStores } from "./vault-context.ts";
import { sealValue } from "./sealed-values.ts";

const NOT_BEFORE_BACKDATE_MS = 10 * 60 * 1000;
/** Azure's exact wording (az CLI tests compare it). */
const PENDING = "Pending certificate created. Please Perform Merge to complete the request.";
/** Azure's wording while a Self (or CA-provider) issuance runs. */
const SELF_PENDING =
  "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.";

export interface Issuance {
  readonly name: string;
  readonly policy: CertificatePolicy;
  readonly jwk: PrivateJwk;
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
}

/**
 * Starts a new version from the policy, as Azure does, with an operation `inProgress` and a CSR (Azure's operations
 * carry one for every issuer, Self included) while the key waits, sealed. A self-signed certificate is then issued
 * when the operation completes, `completionDelayMs` later (certificate-completion.ts: on the next call that reads it,
 * or by the alarm); any other issuer waits for the merge of the CA's chain (certificates.json MergeCertificate).
 */
export async function issue(ctx: VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox & CertificateStores, input: Issuance): Promise<CertificateOperationState> {
  const key = nameKey(input.name);
  assertNoOperationInProgress(ctx, key, input.name);
  assertWritable(ctx, "certificate", ctx.objects.findName("certificate", key));
  assertFreeForCertificate(ctx, input.name);
  const version = newVersionId();
  const requestId = crypto.randomUUID().replace(/-/g, "");
  const csr = await createCsr({ ...subjectOf(input.policy), privateJwk: input.jwk, publicJwk: certificatePublicJwk(input.jwk) });
  const sealed = await sealValue(ctx, pendingKeyAad(ctx.config, key, version), utf8(JSON.stringify(input.jwk)));
  const now = ctx.clock.now();
  const selfIssued = isSelfIssued(input.policy);
  const state: CertificateOperationState = {
    ...operationState(input, version, requestId, bytesToBase64(csr), selfIssued ? SELF_PENDING : PENDING, now),
    ...(selfIssued ? { completesAt: now + ctx.completionDelayMs } : {}),
  };
  ctx.transaction(() => {
    ctx.certificatePolicies.put(key, input.policy);
    ctx.certificateOperations.put(key, state, sealed, ctx.clock.now());
    return state;
  });
  // The alarm completes a self-signed issuance nobody reads (duties/certificate-completion-duty.ts). One that
  // completes at once (an immediate vault) is completed by the caller, so no alarm is armed for it.
  if (ctx.completionDelayMs > 0) ctx.reschedule();
  return state;
}

/** Issues the self-signed certificate of an operation: the key that waited, the policy's subject and validity. */
export async function selfSignedChain(state: CertificateOperationState, policy: CertificatePolicy, jwk: PrivateJwk): Promise<Uint8Array[]> {
  const created = state.created * 1000;
  // Azure backdates nbf by ten minutes against clock skew (recorded: nbf = created − 600 s).
  const notBefore = new Date(created - NOT_BEFORE_BACKDATE_MS);
  const notAfter = addMonths(new Date(created), policy.x509.validityMonths);
  return [await issueSelfSigned({ ...subjectOf(policy), notBefore, notAfter, privateJwk: jwk, publicJwk: certificatePublicJwk(jwk) })];
}

function assertNoOperationInProgress(ctx: CertificateStores, key: string, name: string): void {
  if (ctx.certificateOperations.get(key)?.state.status === "inProgress") {
    throw new VaultError("Conflict", `Certificate ${name} has a pending operation; complete, cancel or delete it first.`);
  }
}

function operationState(input: Issuance, version: string, requestId: string, csr: string, statusDetails: string, createdMs: number): CertificateOperationState {
  return {
    name: input.name,
    created: toUnixSeconds(createdMs),
    issuer: input.policy.issuer,
    csr,
    cancellationRequested: false,
    status: "inProgress",
    statusDetails,
    error: null,
    requestId,
    version,
    ...(input.attributes?.enabled === undefined ? {} : { attributes: { enabled: input.attributes.enabled } }),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
  };
}

function subjectOf(policy: CertificatePolicy) {
  const { subject, sans, ekus, keyUsage } = policy.x509;
  return { subject, ekus, keyUsage, ...(sans === undefined ? {} : { sans }) };
}

function certificatePublicJwk(jwk: PrivateJwk): PublicJwk {
  const pub = publicJwk(jwk);
  if (pub === null) throw new VaultError("BadParameter", "A certificate needs an RSA or EC key.");
  return pub;
}

/** Calendar months on, in UTC (validity_months). */
export function addMonths(from: Date, months: number): Date {
  const to = new Date(from.getTime());
  to.setUTCMonth(to.getUTCMonth() + months);
  return to;
}
