/**
 * Request bodies of the vault-wide certificate settings (certificates.json): Contacts for
 * SetCertificateContacts, CertificateIssuerSetParameters / CertificateIssuerUpdateParameters for the
 * issuers, and the issuer name in the path. Wire names are Azure's snake_case; values come out camelCase.
 * Read-only members (`id`, `attributes.created`/`updated`) and unknown members are ignored, as Azure does.
 */
import {
  MAX_CERTIFICATE_CONTACTS,
  MAX_CONTACT_FIELD_LENGTH,
  isEmailAddress,
  type CertificateContact,
} from "../../core/domain/certificates/certificate-contact.ts";
import {
  ISSUER_NAME,
  MAX_ISSUER_ADMINS,
  MAX_ISSUER_FIELD_LENGTH,
  MAX_ISSUER_PASSWORD_LENGTH,
  type AdministratorDetails,
  type IssuerCredentialsInput,
  type IssuerPatch,
  type IssuerSpec,
  type OrganizationDetails,
} from "../../core/domain/certificates/certificate-issuer.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

export function assertIssuerName(name: string | undefined): string {
  if (name === undefined || !ISSUER_NAME.test(name)) throw badParameter(`The request URI contains an invalid name: ${name ?? ""}`);
  return name;
}

/** A member that must be an object when present; JSON null reads as absent. */
function optionalObject(parent: JsonObject, field: string, path: string): JsonObject | undefined {
  const value = parent[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter(`The parameter '${path}' must be an object.`);
  return value as JsonObject;
}

function optionalText(parent: JsonObject, field: string, path: string, maxLength: number): string | undefined {
  const value = parent[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badParameter(`The parameter '${path}' must be a string.`);
  if (value.length > maxLength) throw badParameter(`The parameter '${path}' exceeds ${maxLength} characters.`);
  return value;
}

/** CertificateIssuerSetParameters: `provider` is the one required member; never blank in either body. */
const providerRequired = () => badParameter("The parameter 'provider' is required and must be a non-empty string.");

function optionalProvider(body: JsonObject): string | undefined {
  const value = optionalText(body, "provider", "provider", MAX_ISSUER_FIELD_LENGTH);
  if (value !== undefined && value.trim() === "") throw providerRequired();
  return value;
}

function credentials(body: JsonObject): IssuerCredentialsInput | undefined {
  const raw = optionalObject(body, "credentials", "credentials");
  if (raw === undefined) return undefined;
  const accountId = optionalText(raw, "account_id", "credentials.account_id", MAX_ISSUER_FIELD_LENGTH);
  const password = optionalText(raw, "pwd", "credentials.pwd", MAX_ISSUER_PASSWORD_LENGTH);
  return { ...(accountId === undefined ? {} : { accountId }), ...(password === undefined ? {} : { password }) };
}

function administrator(raw: unknown, index: number): AdministratorDetails {
  const path = `org_details.admin_details[${index}]`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badParameter(`The parameter '${path}' must be an object.`);
  const admin = raw as JsonObject;
  const fields = [
    ["firstName", "first_name"],
    ["lastName", "last_name"],
    ["email", "email"],
    ["phone", "phone"],
  ] as const;
  const out: { -readonly [K in keyof AdministratorDetails]: AdministratorDetails[K] } = {};
  for (const [name, wire] of fields) {
    const value = optionalText(admin, wire, `${path}.${wire}`, MAX_ISSUER_FIELD_LENGTH);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function orgDetails(body: JsonObject): OrganizationDetails | undefined {
  const raw = optionalObject(body, "org_details", "org_details");
  if (raw === undefined) return undefined;
  const id = optionalText(raw, "id", "org_details.id", MAX_ISSUER_FIELD_LENGTH);
  const admins = raw.admin_details;
  let adminDetails: AdministratorDetails[] | undefined;
  if (admins !== undefined && admins !== null) {
    if (!Array.isArray(admins)) throw badParameter("The parameter 'org_details.admin_details' must be an array.");
    if (admins.length > MAX_ISSUER_ADMINS) throw badParameter(`A maximum of ${MAX_ISSUER_ADMINS} administrators is allowed in 'org_details.admin_details'.`);
    adminDetails = admins.map(administrator);
  }
  return { ...(id === undefined ? {} : { id }), ...(adminDetails === undefined ? {} : { adminDetails }) };
}

/** IssuerAttributes: only `enabled` is writable. */
function enabled(body: JsonObject): boolean | undefined {
  const attributes = optionalObject(body, "attributes", "attributes");
  const value = attributes?.enabled;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badParameter("The attribute 'enabled' must be a boolean.");
  return value;
}

function issuerFields(body: JsonObject): Omit<IssuerPatch, "provider"> {
  const creds = credentials(body);
  const org = orgDetails(body);
  const on = enabled(body);
  return {
    ...(creds === undefined ? {} : { credentials: creds }),
    ...(org === undefined ? {} : { orgDetails: org }),
    ...(on === undefined ? {} : { enabled: on }),
  };
}

/** CertificateIssuerSetParameters (PUT): `provider` required. */
export function setIssuerInput(body: JsonObject): IssuerSpec {
  const provider = optionalProvider(body);
  if (provider === undefined) throw providerRequired();
  return { provider, ...issuerFields(body) };
}

/** CertificateIssuerUpdateParameters (PATCH): every member optional; `{}` is a valid update. */
export function updateIssuerInput(body: JsonObject): IssuerPatch {
  const provider = optionalProvider(body);
  return { ...(provider === undefined ? {} : { provider }), ...issuerFields(body) };
}

function contact(raw: unknown, index: number): CertificateContact {
  const path = `contacts[${index}]`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badParameter(`The parameter '${path}' must be an object.`);
  const entry = raw as JsonObject;
  const email = entry.email;
  // A contact exists to be emailed (EmailContacts lifetime action), so its address is required.
  if (typeof email !== "string" || !isEmailAddress(email)) {
    throw badParameter(`The parameter '${path}.email' is required and must be an email address.`);
  }
  const name = optionalText(entry, "name", `${path}.name`, MAX_CONTACT_FIELD_LENGTH);
  const phone = optionalText(entry, "phone", `${path}.phone`, MAX_CONTACT_FIELD_LENGTH);
  return { email, ...(name === undefined ? {} : { name }), ...(phone === undefined ? {} : { phone }) };
}

/**
 * Contacts (PUT /certificates/contacts): a non-empty list. An empty list is refused, not stored: Azure
 * keeps no empty contacts resource (clearing is DeleteCertificateContacts; azurerm PR #25124 discussion).
 */
export function setContactsInput(body: JsonObject): CertificateContact[] {
  const list = body.contacts;
  if (!Array.isArray(list) || list.length === 0) throw badParameter("The parameter 'contacts' is required and must be a non-empty array.");
  if (list.length > MAX_CERTIFICATE_CONTACTS) throw badParameter(`A maximum of ${MAX_CERTIFICATE_CONTACTS} contacts is allowed.`);
  return list.map(contact);
}
