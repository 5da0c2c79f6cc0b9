import { VaultError } from "../../core/errors/vault-error.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import type { PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { certificateMatchesKey, verifyChain } from "../../core/crypto/x509/index.ts";
import type { CertificateOp } from "../../core/contract/certificates.ts";
import type { CertificateOperationState } from "../../core/domain/certificates/certificate-operation.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { storeCertificateVersion } from "./certificate-material.ts";
import { pendingKeyAad } from "../../core/crypto/envelope/aad.ts";
import { openValue } from "./sealed-values.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, EventOutbox, CertificateStores } from "./vault-context.ts";

const decoder = new TextDecoder();

/** Azure: GET /certificates/{name}/pending for a name without an operation is 404 PendingCertificateNotFound. */
const operationNotFound = (name: string): VaultError =>
  new VaultError("PendingCertificateNotFound", `Pending certificate not found: ${name}`);

export function requireOperation(ctx: CertificateStores, name: string): { state: CertificateOperationState; sealedPendingKey: Uint8Array } {
  const operation = ctx.certificateOperations.get(nameKey(name));
  if (operation === null || operation.state.deleted === true) throw operationNotFound(name);
  return operation;
}

/** PATCH …/pending {cancellation_requested: true}: an operation in progress ends as cancelled; its key is dropped. */
export function cancelOperation(ctx: VaultScope & Transactions & CertificateStores, name: string): CertificateOperationState {
  return ctx.transaction(() => {
    const { state } = requireOperation(ctx, name);
    if (state.status !== "inProgress") return state;
    const cancelled: CertificateOperationState = { ...state, cancellationRequested: true, status: "cancelled", statusDetails: "The certificate operation was cancelled." };
    ctx.certificateOperations.put(nameKey(name), cancelled, new Uint8Array(0), ctx.clock.now());
    return cancelled;
  });
}

/**
 * DELETE …/pending: the operation and any key waiting for a merge are gone; answers what was deleted.
 * A name that never got a version keeps its pending certificate readable, as Azure does.
 */
export function deleteOperation(ctx: VaultScope & ObjectStore & Transactions & CertificateStores, name: string): CertificateOperationState {
  return ctx.transaction(() => {
    const { state } = requireOperation(ctx, name);
    const key = nameKey(name);
    if (ctx.objects.findName("certificate", key) === null) {
      const status = state.status === "inProgress" ? "cancelled" : state.status;
      ctx.certificateOperations.put(key, { ...state, status, deleted: true }, new Uint8Array(0), ctx.clock.now());
    } else {
      ctx.certificateOperations.delete(key);
    }
    return state;
  });
}

type MergeOp = Extract<CertificateOp, { kind: "certificate.merge" }>;

/**
 * MergeCertificate: the CA's chain completes the pending version. The leaf must carry the pending key's
 * public key, and each certificate must be signed by the next; otherwise 400 and nothing changes.
 */
export async function mergeCertificate(ctx: VaultScope & ObjectStore & Sealing & Transactions & EventOutbox & CertificateStores, op: MergeOp): Promise<StoredVersion> {
  const key = nameKey(op.name);
  const { state, sealedPendingKey } = requireOperation(ctx, op.name);
  if (state.status !== "inProgress") throw new VaultError("BadParameter", `Certificate ${op.name} has no pending operation to merge.`);
  const policy = ctx.certificatePolicies.get(key)?.policy;
  if (policy === undefined) throw new Error("a pending certificate has a policy");
  const plain = await openValue(ctx, pendingKeyAad(ctx.config, key, state.version), sealedPendingKey);
  const jwk = JSON.parse(decoder.decode(plain)) as PrivateJwk;
  const [leaf, ...rest] = op.chain;
  const pub = publicJwk(jwk);
  if (leaf === undefined || pub === null || !(await certificateMatchesKey(leaf, pub))) {
    throw new VaultError("BadParameter", "Public key from x509 certificate and key of this instance doesn't match");
  }
  if (rest.length > 0 && !(await verifyChain(leaf, rest))) throw new VaultError("BadParameter", "The certificate chain does not verify.");
  const completed: CertificateOperationState = { ...state, status: "completed", statusDetails: "Certificate merged successfully." };
  const enabled = op.attributes?.enabled ?? state.attributes?.enabled;
  const tags = op.tags ?? state.tags;
  return storeCertificateVersion(ctx, {
    name: op.name,
    version: state.version,
    jwk,
    chain: op.chain,
    policy,
    ...(enabled === undefined ? {} : { attributes: { enabled } }),
    ...(tags === undefined ? {} : { tags }),
    alsoInTransaction: () => ctx.certificateOperations.put(key, completed, utf8(""), ctx.clock.now()),
  });
}
