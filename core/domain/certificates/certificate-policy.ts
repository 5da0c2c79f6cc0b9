import type { EcCurve } from "../../crypto/keys/key-types.ts";
import { KEY_USAGE_NAMES, type KeyUsageName } from "../../crypto/x509/key-usage.ts";
import type { SubjectAlternativeNames } from "../../crypto/x509/general-names.ts";

/**
 * A certificate's management policy (certificates.json CertificatePolicy): how its key is made, in what
 * form its secret holds key and chain, what goes into the X.509 certificate, who issues it and what
 * happens as it ages. Stored per certificate name; each new version is made from it.
 */
export type CertificateKeyType = "RSA" | "RSA-HSM" | "EC" | "EC-HSM";

export interface CertificateKeyProps {
  readonly kty: CertificateKeyType;
  /** RSA modulus bits. */
  readonly keySize?: number;
  readonly crv?: EcCurve;
  readonly exportable: boolean;
  /** Renewal keeps the key instead of generating a new one. */
  readonly reuseKey: boolean;
}

export const PKCS12 = "application/x-pkcs12";
export const PEM = "application/x-pem-file";
export type SecretContentType = typeof PKCS12 | typeof PEM;

/** The policy's `sans` are what the X.509 layer writes into the certificate (general-names.ts). */
export type { SubjectAlternativeNames };

/** KeyUsage names (certificates.json KeyUsageType), one list with the X.509 layer's bit order. */
export type KeyUsage = KeyUsageName;
export const KEY_USAGES: readonly KeyUsage[] = KEY_USAGE_NAMES;

export interface X509Props {
  readonly subject: string;
  readonly sans?: SubjectAlternativeNames;
  /** Extended key usages as OIDs. */
  readonly ekus: readonly string[];
  readonly keyUsage: readonly KeyUsage[];
  readonly validityMonths: number;
}

export type CertificateActionType = "EmailContacts" | "AutoRenew";

export interface CertificateLifetimeAction {
  /** Exactly one of the two. */
  readonly trigger: { readonly lifetimePercentage?: number; readonly daysBeforeExpiry?: number };
  readonly action: CertificateActionType;
}

export interface IssuerParameters {
  /** "Self", "Unknown", or the name of an issuer configured in the vault. */
  readonly name: string;
  readonly certificateType?: string;
  readonly certificateTransparency?: boolean;
}

export interface CertificatePolicy {
  readonly keyProps: CertificateKeyProps;
  readonly secretContentType: SecretContentType;
  readonly x509: X509Props;
  readonly lifetimeActions: readonly CertificateLifetimeAction[];
  readonly issuer: IssuerParameters;
  readonly enabled: boolean;
  /** Unix seconds. */
  readonly created: number;
  readonly updated: number;
}

export const SELF_ISSUER = "Self";
export const UNKNOWN_ISSUER = "Unknown";

/** TLS server and client authentication: what Azure puts in a self-signed certificate when the policy names none. */
export { DEFAULT_EKUS } from "../../crypto/x509/extensions.ts";
export const DEFAULT_VALIDITY_MONTHS = 12;
export const MAX_VALIDITY_MONTHS = 1200;
/** Azure's default lifetime action: renew at 80% of the lifetime (self-signed), e-mail the contacts otherwise. */
export const DEFAULT_LIFETIME_PERCENTAGE = 80;

export function defaultKeyUsage(kty: CertificateKeyType): readonly KeyUsage[] {
  // keyEncipherment is an RSA usage (RFC 5280 §4.2.1.3); an EC key signs and agrees.
  return kty.startsWith("RSA") ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
}

export function defaultLifetimeActions(issuer: string): readonly CertificateLifetimeAction[] {
  return [
    {
      trigger: { lifetimePercentage: DEFAULT_LIFETIME_PERCENTAGE },
      action: issuer.toLowerCase() === SELF_ISSUER.toLowerCase() ? "AutoRenew" : "EmailContacts",
    },
  ];
}

export function isSelfIssued(policy: Pick<CertificatePolicy, "issuer">): boolean {
  return policy.issuer.name.toLowerCase() === SELF_ISSUER.toLowerCase();
}

/**
 * When a lifetime action falls due for a version valid from `notBefore` to `notAfter` (Unix seconds):
 * at the percentage of its lifetime, or the given days before it expires.
 */
export function lifetimeActionDue(action: CertificateLifetimeAction, notBefore: number, notAfter: number): number {
  const { lifetimePercentage, daysBeforeExpiry } = action.trigger;
  if (lifetimePercentage !== undefined) return notBefore + Math.floor(((notAfter - notBefore) * lifetimePercentage) / 100);
  return notAfter - (daysBeforeExpiry ?? 0) * 86_400;
}
