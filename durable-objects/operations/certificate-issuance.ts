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
import { storeCertificateVersion } from "./certificate-material.ts";
import { objectErrors } from "./object-errors.ts";
import { assertFreeForCertificate } from "./managed-objects.ts";
import { pendingKeyAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, EventOutbox, CertificateStores } from "./vault-context.ts";
import { sealValue } from "./sealed-values.ts";

const COMPLETED = "Certificate issued successfully.";
const NOT_BEFORE_BACKDATE_MS = 10 * 60 * 1000;
/** Azure's exact wording (az CLI tests compare it). */
const PENDING = "Pending certificate created. Please Perform Merge to complete the request.";

export interface Issuance {
  readonly name: string;
  readonly policy: CertificatePolicy;
  readonly jwk: PrivateJwk;
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
}

/**
 * Makes a new version from the policy: a self-signed certificate is issued at once (the operation is
 * completed when create answers); any other issuer gets a CSR to sign, and the key waits, sealed, for
 * the merge of the CA's chain (certificates.json MergeCertificate).
 */
export async function issue(ctx: VaultScope & ObjectStore & Sealing & Transactions & EventOutbox & CertificateStores, input: Issuance): Promise<CertificateOperationState> {
  const key = nameKey(input.name);
  assertNoOperationInProgress(ctx, key, input.name);
  const name = ctx.objects.findName("certificate", key);
  if (name?.deletedAt != null) throw objectErrors("certificate").isDeleted(name.name);
  assertFreeForCertificate(ctx, input.name);
  const version = newVersionId();
  const requestId = crypto.randomUUID().replace(/-/g, "");
  const pub = certificatePublicJwk(input.jwk);
  const subject = subjectOf(input.policy);
  // Azure's operations carry the CSR for every issuer, Self included.
  const csr = await createCsr({ ...subject, privateJwk: input.jwk, publicJwk: pub });
  const created = ctx.clock.now();
  if (isSelfIssued(input.policy)) {
    // Azure backdates nbf by ten minutes against clock skew (recorded: nbf = created − 600 s).
    const notBefore = new Date(created - NOT_BEFORE_BACKDATE_MS);
    const notAfter = addMonths(new Date(created), input.policy.x509.validityMonths);
    const cer = await issueSelfSigned({ ...subject, notBefore, notAfter, privateJwk: input.jwk, publicJwk: pub });
    const state = operationState(input, version, requestId, bytesToBase64(csr), "completed", COMPLETED, created);
    await storeCertificateVersion(ctx, {
      name: input.name,
      version,
      jwk: input.jwk,
      chain: [cer],
      policy: input.policy,
      ...optionalMetadata(input),
      alsoInTransaction: () => {
        ctx.certificatePolicies.put(key, input.policy);
        ctx.certificateOperations.put(key, state, new Uint8Array(0), ctx.clock.now());
      },
    });
    return state;
  }
  const sealed = await sealValue(ctx, pendingKeyAad(ctx.config, key, version), utf8(JSON.stringify(input.jwk)));
  const state = operationState(input, version, requestId, bytesToBase64(csr), "inProgress", PENDING, created);
  ctx.transaction(() => {
    ctx.certificatePolicies.put(key, input.policy);
    ctx.certificateOperations.put(key, state, sealed, ctx.clock.now());
    return state;
  });
  return state;
}

function assertNoOperationInProgress(ctx: CertificateStores, key: string, name: string): void {
  if (ctx.certificateOperations.get(key)?.state.status === "inProgress") {
    throw new VaultError("Conflict", `Certificate ${name} has a pending operation; complete, cancel or delete it first.`);
  }
}

function operationState(
  input: Issuance,
  version: string,
  requestId: string,
  csr: string | null,
  status: CertificateOperationState["status"],
  statusDetails: string,
  createdMs: number,
): CertificateOperationState {
  return {
    name: input.name,
    created: toUnixSeconds(createdMs),
    issuer: input.policy.issuer,
    csr,
    cancellationRequested: false,
    status,
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

function optionalMetadata(input: Issuance): { attributes?: AttributesPatch; tags?: Tags } {
  return { ...(input.attributes === undefined ? {} : { attributes: input.attributes }), ...(input.tags === undefined ? {} : { tags: input.tags }) };
}

/** Calendar months on, in UTC (validity_months). */
export function addMonths(from: Date, months: number): Date {
  const to = new Date(from.getTime());
  to.setUTCMonth(to.getUTCMonth() + months);
  return to;
}
