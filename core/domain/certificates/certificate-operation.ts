import type { CertificateOperationStatus } from "../../contract/certificates.ts";
import type { IssuerParameters } from "./certificate-policy.ts";

/**
 * The stored state of a name's certificate operation (CertificateOperation in certificates.json). One
 * per name: a new create replaces a finished one; an operation in progress blocks a new create (409).
 */
export interface CertificateOperationState {
  readonly name: string;
  /** Unix seconds: when the operation began (a pending certificate's created/nbf). */
  readonly created: number;
  readonly issuer: IssuerParameters;
  /** base64 DER PKCS#10, or null for self-signed. */
  readonly csr: string | null;
  readonly cancellationRequested: boolean;
  readonly status: CertificateOperationStatus;
  readonly statusDetails: string;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly requestId: string;
  /** The version the pending key will have (its material is sealed under it), and the one completed. */
  readonly version: string;
  readonly attributes?: { readonly enabled?: boolean };
  /**
   * DeleteCertificateOperation on a name with no version yet: the operation is gone (404
   * PendingCertificateNotFound) but, as in Azure, the pending certificate stays readable.
   */
  readonly deleted?: true;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * A self-signed issuance in progress: when it completes (Unix milliseconds), as Azure's does shortly after the
   * create call (core/domain/objects/long-running.ts). Absent for issuers that wait for a merge.
   */
  readonly completesAt?: number;
}
