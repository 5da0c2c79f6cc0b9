import { VaultError } from "../../errors/vault-error.ts";

/**
 * A certificate issuer (certificates.json IssuerBundle): a CA account a certificate policy names in
 * `issuer.name` so the vault can order certificates from it. The account password is a credential: it is
 * stored sealed under the vault's data key and never returned (the REST spec's IssuerBundle carries
 * `pwd`, but Azure never fills it in a response: keyvault-certificates recordings).
 */
export interface AdministratorDetails {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly phone?: string;
}

export interface OrganizationDetails {
  readonly id?: string;
  readonly adminDetails?: readonly AdministratorDetails[];
}

/** IssuerCredentials as a client sends them; `password` is Azure's `pwd`. */
export interface IssuerCredentialsInput {
  readonly accountId?: string;
  readonly password?: string;
}

/** SetCertificateIssuer (PUT) after wire validation: the whole issuer; `provider` is required. */
export interface IssuerSpec {
  readonly provider: string;
  readonly credentials?: IssuerCredentialsInput;
  readonly orgDetails?: OrganizationDetails;
  readonly enabled?: boolean;
}

/** UpdateCertificateIssuer (PATCH): only the fields given change. */
export type IssuerPatch = Partial<IssuerSpec>;

/** What Azure returns of an issuer: everything but the password. Times are Unix seconds. */
export interface IssuerView {
  readonly name: string;
  readonly provider: string;
  readonly accountId?: string;
  readonly orgDetails?: OrganizationDetails;
  readonly enabled: boolean;
  readonly created: number;
  readonly updated: number;
}

/** CertificateIssuerItem: what the list shows. */
export interface IssuerSummary {
  readonly name: string;
  readonly provider: string;
}

/**
 * Issuer names: the spec gives the path parameter no pattern; we hold them to the object-name rule of
 * certificate names (certificates.json `^[0-9a-zA-Z-]+$`, 1–127 characters), since a policy names the
 * issuer beside the certificate's own name and ids carry it in a URL segment.
 */
export const ISSUER_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/**
 * IssuerParameters.name reserves these for policies: "Self" (self-signed) and "Unknown" (CSR merged by
 * hand). An issuer so named could never be chosen by a policy, so we refuse to create one. (Whether
 * Azure refuses too is not recorded anywhere we found.)
 */
export const RESERVED_ISSUER_NAMES: readonly string[] = ["self", "unknown"];

export function isReservedIssuerName(name: string): boolean {
  return RESERVED_ISSUER_NAMES.includes(name.toLowerCase());
}

/** Our bounds (Azure documents none): provider names, account ids, org id, admin fields. */
export const MAX_ISSUER_FIELD_LENGTH = 256;
/** Our bound on the account password / API key. */
export const MAX_ISSUER_PASSWORD_LENGTH = 1024;
/** Our bound on `org_details.admin_details`. */
export const MAX_ISSUER_ADMINS = 16;

/**
 * Azure requires an organization id for DigiCert issuers: 400 BadParameter "Id in organization details
 * is not set" (Azure/azure-sdk-for-java#29166). Other providers (SDK tests use "Test", "ssladmin",
 * "onecert") are accepted without one.
 */
const PROVIDERS_NEEDING_ORG_ID: readonly string[] = ["digicert"];

/** Checks the issuer as it will be stored (after a PATCH is applied, too). */
export function assertIssuerComplete(issuer: Pick<IssuerView, "provider" | "orgDetails">): void {
  const needsOrgId = PROVIDERS_NEEDING_ORG_ID.includes(issuer.provider.toLowerCase());
  if (needsOrgId && (issuer.orgDetails?.id === undefined || issuer.orgDetails.id === "")) {
    throw new VaultError("BadParameter", "Id in organization details is not set");
  }
}

/**
 * Azure for an unknown issuer: 404 {"code":"CertificateIssuerNotFound","message":"Issuer not found"}
 * (keyvault-certificates recording "can create, read, and delete a certificate issuer").
 */
export const issuerNotFound = (): VaultError => new VaultError("CertificateIssuerNotFound", "Issuer not found");
