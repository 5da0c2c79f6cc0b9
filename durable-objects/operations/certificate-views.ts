import { base64ToBytes } from "../crypto/bytes.ts";
import type { CertificatePolicy } from "../domain/certificate-policy.ts";
import type { CertificateOperationState } from "../domain/certificate-operation.ts";
import type { NameState, StoredVersion } from "../domain/versioned-object.ts";
import { recoveryLevel, type VaultConfig } from "../domain/vault-config.ts";
import type { CertificateOperationView, CertificateView, DeletedCertificateView } from "../certificate-rpc.ts";
import { storedCertificate } from "./certificate-material.ts";

/** A stored certificate version as the Worker formats it (CertificateBundle). */
export function certificateView(config: VaultConfig, v: StoredVersion, policy: CertificatePolicy | null): CertificateView {
  const stored = storedCertificate(v);
  return {
    name: v.name,
    version: v.version,
    cer: base64ToBytes(stored.cer),
    x5t: stored.x5t,
    attributes: { ...v.attributes, recoverableDays: config.retentionDays, recoveryLevel: recoveryLevel(config) },
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    policy,
  };
}

export function deletedCertificateView(config: VaultConfig, state: NameState, v: StoredVersion, policy: CertificatePolicy | null): DeletedCertificateView {
  return { ...certificateView(config, v, policy), deletedDate: state.deletedAt ?? 0, scheduledPurgeDate: state.scheduledPurgeAt ?? 0 };
}

export function operationView(state: CertificateOperationState): CertificateOperationView {
  return {
    name: state.name,
    issuer: state.issuer,
    csr: state.csr === null ? null : base64ToBytes(state.csr),
    cancellationRequested: state.cancellationRequested,
    status: state.status,
    statusDetails: state.statusDetails,
    error: state.error,
    requestId: state.requestId,
    version: state.status === "completed" ? state.version : null,
  };
}
