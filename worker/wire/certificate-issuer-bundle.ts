/**
 * Response shapes of the vault-wide certificate settings (certificates.json Contacts, IssuerBundle,
 * CertificateIssuerItem), as Azure writes them (keyvault-certificates recordings): snake_case members,
 * absent fields omitted, and never an issuer's `pwd`.
 */
import type { ContactsView } from "../../core/contract/certificate-issuers.ts";
import type { AdministratorDetails, IssuerSummary, IssuerView, OrganizationDetails } from "../../core/domain/certificates/certificate-issuer.ts";

/** Contacts: `{"id":"{vault}/certificates/contacts","contacts":[{email,name,phone}]}`. */
export function contactsBody(base: string, view: ContactsView) {
  return {
    id: `${base}/certificates/contacts`,
    contacts: view.contacts.map((c) => ({
      email: c.email,
      ...(c.name === undefined ? {} : { name: c.name }),
      ...(c.phone === undefined ? {} : { phone: c.phone }),
    })),
  };
}

function administrator(a: AdministratorDetails) {
  return {
    ...(a.firstName === undefined ? {} : { first_name: a.firstName }),
    ...(a.lastName === undefined ? {} : { last_name: a.lastName }),
    ...(a.email === undefined ? {} : { email: a.email }),
    ...(a.phone === undefined ? {} : { phone: a.phone }),
  };
}

function organization(o: OrganizationDetails) {
  return {
    ...(o.id === undefined ? {} : { id: o.id }),
    ...(o.adminDetails === undefined ? {} : { admin_details: o.adminDetails.map(administrator) }),
  };
}

export function issuerId(base: string, name: string): string {
  return `${base}/certificates/issuers/${name}`;
}

/** IssuerBundle: credentials carry only `account_id`; the password is write-only. */
export function issuerBundle(base: string, v: IssuerView) {
  return {
    id: issuerId(base, v.name),
    provider: v.provider,
    ...(v.accountId === undefined ? {} : { credentials: { account_id: v.accountId } }),
    ...(v.orgDetails === undefined ? {} : { org_details: organization(v.orgDetails) }),
    attributes: { enabled: v.enabled, created: v.created, updated: v.updated },
  };
}

/** CertificateIssuerItem: the list shape, id and provider only. */
export function issuerItem(base: string, s: IssuerSummary) {
  return { id: issuerId(base, s.name), provider: s.provider };
}
