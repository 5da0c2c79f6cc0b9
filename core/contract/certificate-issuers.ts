/**
 * Certificate contacts and issuers: the vault-wide part of the certificates RPC contract (Azure REST
 * GetCertificateContacts … DeleteCertificateIssuer). Issuer passwords travel inward only:
 * no result carries one.
 */
import type { CertificateContact } from "../domain/certificates/certificate-contact.ts";
import type { IssuerPatch, IssuerSpec, IssuerSummary, IssuerView } from "../domain/certificates/certificate-issuer.ts";
import type { Page, PageRequest } from "./common.ts";

export interface ContactsView {
  readonly contacts: readonly CertificateContact[];
}

export type CertificateIssuerOp =
  | { readonly kind: "certificate.getContacts" }
  | { readonly kind: "certificate.setContacts"; readonly contacts: readonly CertificateContact[] }
  | { readonly kind: "certificate.deleteContacts" }
  | { readonly kind: "certificate.listIssuers"; readonly page: PageRequest }
  | { readonly kind: "certificate.getIssuer"; readonly name: string }
  | ({ readonly kind: "certificate.setIssuer"; readonly name: string } & IssuerSpec)
  | ({ readonly kind: "certificate.updateIssuer"; readonly name: string } & IssuerPatch)
  | { readonly kind: "certificate.deleteIssuer"; readonly name: string };

export interface CertificateIssuerResults {
  "certificate.getContacts": ContactsView;
  "certificate.setContacts": ContactsView;
  /** The contacts that were deleted (DeleteCertificateContacts returns them). */
  "certificate.deleteContacts": ContactsView;
  "certificate.listIssuers": Page<IssuerSummary>;
  "certificate.getIssuer": IssuerView;
  "certificate.setIssuer": IssuerView;
  "certificate.updateIssuer": IssuerView;
  /** The issuer as it was (DeleteCertificateIssuer returns it). */
  "certificate.deleteIssuer": IssuerView;
}
