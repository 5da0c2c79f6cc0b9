import { VaultError } from "../../errors/vault-error.ts";

/**
 * The vault's certificate contacts (certificates.json Contacts/Contact): who is emailed when a policy's
 * EmailContacts lifetime action falls due. One list per vault; SetCertificateContacts replaces it whole.
 */
export interface CertificateContact {
  readonly email: string;
  readonly name?: string;
  readonly phone?: string;
}

/**
 * Our bound on the list (Azure documents none): enough for any team, small enough that the list stays
 * one short row and one small response.
 */
export const MAX_CERTIFICATE_CONTACTS = 64;
/** Our bound on each field; an RFC 5321 address is at most 254 characters. */
export const MAX_CONTACT_FIELD_LENGTH = 256;

/**
 * A deliberately loose address check (local part, "@", domain, no spaces): the contact exists to be
 * mailed, so something that cannot be an address is refused; anything stricter would refuse real ones.
 */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_CONTACT_FIELD_LENGTH && EMAIL_ADDRESS.test(value);
}

/**
 * Azure, when none are set (GetCertificateContacts and DeleteCertificateContacts): 404
 * {"code":"ContactsNotFound","message":"Contacts not found"} (keyvault-certificates recording
 * "can set, read and delete a certificates contacts"; azurerm PR #30461 for the DELETE).
 */
export const contactsNotFound = (): VaultError => new VaultError("ContactsNotFound", "Contacts not found");
