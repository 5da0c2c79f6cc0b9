/** The certificates part of the vault's RPC contract (Azure REST "Certificates" operations). */
import type { AttributesPatch, ObjectAttributes, Tags } from "../domain/objects/attributes.ts";
import type { CertificatePolicy, IssuerParameters } from "../domain/certificates/certificate-policy.ts";
import type { CertificatePolicyPatch } from "../domain/certificates/certificate-policy-patch.ts";
import type { AzureKeyType, PrivateJwk } from "../crypto/keys/key-types.ts";
import type { DeletedView, Page, PageRequest, Recoverability } from "./common.ts";

export interface CertificateView {
  readonly name: string;
  readonly version: string;
  /** The X.509 certificate, DER; null while the version waits for a merge. */
  readonly cer: Uint8Array | null;
  /** base64url SHA-1 thumbprint of `cer` (Azure's x5t). */
  readonly x5t: string | null;
  /** A version whose operation is still in progress (no certificate, key or secret yet). */
  readonly pending: boolean;
  readonly attributes: ObjectAttributes & Recoverability;
  readonly tags?: Tags;
  /** The name's current policy (GetCertificate returns it). */
  readonly policy: CertificatePolicy | null;
}

export type DeletedCertificateView = CertificateView & DeletedView;

/** A name with a certificate operation in progress and no version yet (listed with includePending). */
export interface PendingCertificateItem {
  readonly name: string;
  readonly pending: true;
}

export type CertificateOperationStatus = "inProgress" | "completed" | "cancelled" | "failed";

export interface CertificateOperationView {
  readonly name: string;
  readonly issuer: IssuerParameters;
  /** PKCS#10, DER; absent for self-signed certificates. */
  readonly csr: Uint8Array | null;
  readonly cancellationRequested: boolean;
  readonly status: CertificateOperationStatus;
  readonly statusDetails: string;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly requestId: string;
  /** The version the operation made, once completed. */
  readonly version: string | null;
}

export interface CertificateInput {
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
}

export type CertificateOp =
  // Checks the caller may create certificates and does nothing else, before the Worker generates the certificate's
  // key (as key.createPreflight does for CreateKey); the key type lets the throttle charge it as a key create.
  | { readonly kind: "certificate.createPreflight"; readonly name: string; readonly kty: AzureKeyType }
  // The Worker generates the key first (RSA generation is synchronous in workerd, see key.create in keys.ts).
  | ({ readonly kind: "certificate.create"; readonly name: string; readonly policy: CertificatePolicyPatch; readonly jwk: PrivateJwk } & CertificateInput)
  | ({
      readonly kind: "certificate.import";
      readonly name: string;
      /** Leaf first, DER. */
      readonly chain: readonly Uint8Array[];
      readonly jwk: PrivateJwk;
      readonly policy: CertificatePolicyPatch;
    } & CertificateInput)
  | { readonly kind: "certificate.get"; readonly name: string; readonly version?: string }
  | ({ readonly kind: "certificate.update"; readonly name: string; readonly version?: string; readonly policy?: CertificatePolicyPatch } & CertificateInput)
  | { readonly kind: "certificate.list"; readonly page: PageRequest; readonly includePending: boolean }
  | { readonly kind: "certificate.listVersions"; readonly name: string; readonly page: PageRequest }
  | { readonly kind: "certificate.delete"; readonly name: string }
  | { readonly kind: "certificate.listDeleted"; readonly page: PageRequest }
  | { readonly kind: "certificate.getDeleted"; readonly name: string }
  | { readonly kind: "certificate.recover"; readonly name: string }
  | { readonly kind: "certificate.purge"; readonly name: string }
  | { readonly kind: "certificate.getPolicy"; readonly name: string }
  | { readonly kind: "certificate.updatePolicy"; readonly name: string; readonly policy: CertificatePolicyPatch }
  | { readonly kind: "certificate.getOperation"; readonly name: string }
  | { readonly kind: "certificate.updateOperation"; readonly name: string; readonly cancellationRequested: boolean }
  | { readonly kind: "certificate.deleteOperation"; readonly name: string }
  | ({ readonly kind: "certificate.merge"; readonly name: string; readonly chain: readonly Uint8Array[] } & CertificateInput)
  | { readonly kind: "certificate.backup"; readonly name: string }
  | { readonly kind: "certificate.restore"; readonly blob: string };

export interface CertificateResults {
  "certificate.createPreflight": null;
  "certificate.create": CertificateOperationView;
  "certificate.import": CertificateView;
  "certificate.get": CertificateView;
  "certificate.update": CertificateView;
  "certificate.list": Page<CertificateView | PendingCertificateItem>;
  "certificate.listVersions": Page<CertificateView>;
  "certificate.delete": DeletedCertificateView;
  "certificate.listDeleted": Page<DeletedCertificateView>;
  "certificate.getDeleted": DeletedCertificateView;
  "certificate.recover": CertificateView;
  "certificate.purge": null;
  "certificate.getPolicy": { readonly name: string; readonly policy: CertificatePolicy };
  "certificate.updatePolicy": { readonly name: string; readonly policy: CertificatePolicy };
  "certificate.getOperation": CertificateOperationView;
  "certificate.updateOperation": CertificateOperationView;
  "certificate.deleteOperation": CertificateOperationView;
  "certificate.merge": CertificateView;
  "certificate.backup": { readonly blob: string };
  "certificate.restore": CertificateView;
}
