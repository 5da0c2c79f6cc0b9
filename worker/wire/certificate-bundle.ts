import { bytesToBase64 } from "../../core/crypto/bytes.ts";
import { attributesBody } from "./attributes-body.ts";
import type {
  CertificateOperationView,
  CertificateView,
  DeletedCertificateView,
  PendingCertificateItem,
} from "../../core/contract/certificates.ts";
import { certificatePolicyBody } from "./certificate-policy.ts";

/**
 * Certificates on the wire (certificates.json): CertificateBundle {id, kid, sid, x5t, cer, attributes,
 * tags, policy}; CertificateItem {id, x5t, attributes, tags}; CertificateOperation; the deleted forms
 * add recoveryId, deletedDate and scheduledPurgeDate.
 */
const tags = (v: CertificateView) => (v.tags === undefined ? {} : { tags: v.tags });

export function certificateBundle(base: string, v: CertificateView) {
  const id = `${base}/certificates/${v.name}`;
  return {
    id: `${id}/${v.version}`,
    ...(v.cer === null
      ? {}
      : { kid: `${base}/keys/${v.name}/${v.version}`, sid: `${base}/secrets/${v.name}/${v.version}`, x5t: v.x5t, cer: bytesToBase64(v.cer) }),
    attributes: attributesBody(v.attributes),
    ...tags(v),
    ...(v.policy === null ? {} : { policy: certificatePolicyBody(id, v.policy) }),
    ...(v.pending ? { pending: { id: `${id}/pending` } } : {}),
  };
}

/** A list item: the name's id (versions lists carry the version). Pending names have no certificate yet. */
export function certificateItem(base: string, v: CertificateView | PendingCertificateItem, withVersion = false) {
  if (!("version" in v)) return { id: `${base}/certificates/${v.name}`, attributes: { enabled: false } };
  return {
    id: `${base}/certificates/${v.name}${withVersion ? `/${v.version}` : ""}`,
    ...(v.x5t === null ? {} : { x5t: v.x5t }),
    attributes: attributesBody(v.attributes),
    ...tags(v),
  };
}

function deletedFields(base: string, v: DeletedCertificateView) {
  return { recoveryId: `${base}/deletedcertificates/${v.name}`, deletedDate: v.deletedDate, scheduledPurgeDate: v.scheduledPurgeDate };
}

export function deletedCertificateBundle(base: string, v: DeletedCertificateView) {
  return { ...deletedFields(base, v), ...certificateBundle(base, v) };
}

export function deletedCertificateItem(base: string, v: DeletedCertificateView) {
  return { ...deletedFields(base, v), ...certificateItem(base, v) };
}

/**
 * CertificateOperation as Azure records it: `status_details` while the operation has not completed, `target` (the
 * certificate's id, no version) once it has (docs/long-running-operations.md).
 */
export function certificateOperationBody(base: string, op: CertificateOperationView) {
  const id = `${base}/certificates/${op.name}`;
  const completed = op.status === "completed";
  return {
    id: `${id}/pending`,
    issuer: {
      name: op.issuer.name,
      ...(op.issuer.certificateType === undefined ? {} : { cty: op.issuer.certificateType }),
      ...(op.issuer.certificateTransparency === undefined ? {} : { cert_transparency: op.issuer.certificateTransparency }),
    },
    ...(op.csr === null ? {} : { csr: bytesToBase64(op.csr) }),
    cancellation_requested: op.cancellationRequested,
    status: op.status,
    ...(completed ? {} : { status_details: op.statusDetails }),
    ...(op.error === null ? {} : { error: op.error }),
    ...(completed ? { target: id } : {}),
    request_id: op.requestId,
  };
}
