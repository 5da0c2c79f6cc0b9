/**
 * A managed HSM's security domain (securitydomain.json; docs/managed-hsm.md "Security domain"): download (which
 * activates a new HSM), the upload transfer key, upload (which restores a domain into a new HSM and activates it),
 * and each one's status. Status strings are the spec's (`Success`, not `Succeeded`: docs/security-domain-format.md §1).
 */
export interface SecurityDomainStatus {
  readonly status: "Success" | "InProgress" | "Failed";
  readonly statusDetails: string | null;
}

export type HsmSecurityDomainOp =
  | { readonly kind: "hsm.downloadSecurityDomain"; readonly certificates: readonly unknown[]; readonly required: unknown }
  | { readonly kind: "hsm.securityDomainDownloadStatus" }
  /** `baseUrl`: the HSM's URL, the transfer key's `kid` (transfer-key.ts transferKeyId). */
  | { readonly kind: "hsm.transferKey"; readonly baseUrl: string }
  | { readonly kind: "hsm.uploadSecurityDomain"; readonly value: string }
  | { readonly kind: "hsm.securityDomainUploadStatus" };

export interface HsmSecurityDomainResults {
  /** `value`: the security domain's JSON text, which the 202 answer carries. */
  "hsm.downloadSecurityDomain": { readonly value: string };
  "hsm.securityDomainDownloadStatus": SecurityDomainStatus;
  /** `transferKey`: the JWK's JSON text, as Azure's clients parse it. */
  "hsm.transferKey": { readonly keyFormat: "jwk"; readonly transferKey: string };
  "hsm.uploadSecurityDomain": SecurityDomainStatus;
  "hsm.securityDomainUploadStatus": SecurityDomainStatus;
}

/** What a managed HSM answers before it is activated: only its security domain. */
export function isSecurityDomainOp(kind: string): boolean {
  return kind === "hsm.downloadSecurityDomain" || kind === "hsm.securityDomainDownloadStatus" || kind === "hsm.transferKey" || kind === "hsm.uploadSecurityDomain" || kind === "hsm.securityDomainUploadStatus";
}
