import { base64ToBytes } from "../../core/crypto/bytes.ts";
import type { CertificatePolicy } from "../../core/domain/certificates/certificate-policy.ts";
import type { CertificateOperationState } from "../../core/domain/certificates/certificate-operation.ts";
import type { NameState, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { recoveryLevel, type VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { CertificateOperationView, CertificateView, DeletedCertificateView } from "../../core/contract/certificates.ts";
import { storedCertificate } from "./certificate-material.ts";
import { addMonths } from "./certificate-issuance.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";

/** A stored certificate version as the Worker formats it (CertificateBundle). */
export function certificateView(config: VaultConfig, v: StoredVersion, policy: CertificatePolicy | null): CertificateView {
  const stored = storedCertificate(v);
  return {
    name: v.name,
    version: v.version,
    cer: base64ToBytes(stored.cer),
    x5t: stored.x5t,
    pending: false,
    attributes: { ...v.attributes, recoverableDays: config.retentionDays, recoveryLevel: recoveryLevel(config) },
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    policy,
  };
}

/**
 * GetCertificate while the version waits for its merge (Azure: 200, disabled, the policy and a
 * `pending` link; no cer, kid or sid yet). Validity is what the policy asks for from the operation's start.
 */
export function pendingCertificateView(config: VaultConfig, state: CertificateOperationState, policy: CertificatePolicy | null): CertificateView {
  const exp = policy === null ? undefined : toUnixSeconds(addMonths(new Date(state.created * 1000), policy.x509.validityMonths).getTime());
  return {
    name: state.name,
    version: state.version,
    cer: null,
    x5t: null,
    pending: true,
    attributes: {
      enabled: false,
      nbf: state.created,
      ...(exp === undefined ? {} : { exp }),
      created: state.created,
      updated: state.created,
      recoverableDays: config.retentionDays,
      recoveryLevel: recoveryLevel(config),
    },
    ...(state.tags === undefined ? {} : { tags: state.tags }),
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
