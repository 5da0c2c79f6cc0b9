import type { NetworkAcls } from "../vault/network-acls.ts";
import type { AzureKeyType, EcCurve } from "../../crypto/keys/key-types.ts";

/**
 * What a vault policy rule looks at: one object as it is, or as a write would leave it (the fields of Azure Policy's
 * `Microsoft.KeyVault.Data` mode aliases, e.g. `Microsoft.KeyVault.Data/vaults/secrets/attributes.expiresOn`), or the
 * vault itself (`Microsoft.KeyVault/vaults/networkAcls.defaultAction`). Times are Unix seconds.
 */
export type PolicySubject = SecretSubject | KeySubject | CertificateSubject | VaultSubject;

export interface SecretSubject {
  readonly kind: "secret";
  readonly name: string;
  /** Absent while a write has not made the version yet. */
  readonly version?: string;
  readonly exp?: number;
  readonly created: number;
}

export interface KeySubject {
  readonly kind: "key";
  readonly name: string;
  readonly version?: string;
  readonly kty: AzureKeyType;
  readonly keySize?: number;
  readonly crv?: EcCurve;
  readonly exp?: number;
  readonly created: number;
  /** `scheduledRotationDate`: when the key's rotation policy next rotates it; null when it never will. */
  readonly scheduledRotation: number | null;
}

export interface CertificateSubject {
  readonly kind: "certificate";
  readonly name: string;
  readonly version?: string;
  /** The policy's `x509_props.validity_months`, or an imported/merged certificate's own span, whichever is longer. */
  readonly validityMonths: number;
  /** The policy's `issuer.name`. */
  readonly issuer: string;
}

export interface VaultSubject {
  readonly kind: "vault";
  readonly name: string;
  /** networkAcls.defaultAction is "Deny" (the firewall is on). */
  readonly firewallEnabled: boolean;
}

/** The vault as the firewall rule judges it: on only when `networkAcls` denies by default. */
export function vaultSubject(name: string, acls: NetworkAcls | null | undefined): VaultSubject {
  return { kind: "vault", name, firewallEnabled: acls?.defaultAction === "Deny" };
}

export type SubjectKind = PolicySubject["kind"];

/**
 * Whole months from notBefore to notAfter (Unix seconds), a part month counting as one: a certificate's span as
 * validity_months reads it. Up to a day over a whole month is not counted: issuers backdate notBefore for clock skew
 * (this vault's own issuance does), and a 12-month certificate must read as 12.
 */
const SKEW_SECONDS = 86_400;
export function spanInMonths(notBefore: number, notAfter: number): number {
  const from = new Date(notBefore * 1000);
  const to = new Date(notAfter * 1000);
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  const sameDayOrLater = new Date(from.getTime());
  sameDayOrLater.setUTCMonth(from.getUTCMonth() + months);
  if (sameDayOrLater.getTime() + SKEW_SECONDS * 1000 < to.getTime()) months += 1;
  return Math.max(months, 0);
}
