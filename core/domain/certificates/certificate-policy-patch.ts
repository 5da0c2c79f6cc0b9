import { VaultError } from "../../errors/vault-error.ts";
import {
  DEFAULT_EKUS,
  DEFAULT_VALIDITY_MONTHS,
  MAX_VALIDITY_MONTHS,
  PKCS12,
  defaultKeyUsage,
  defaultLifetimeActions,
  type CertificateKeyProps,
  type CertificateLifetimeAction,
  type CertificatePolicy,
  type IssuerParameters,
  type KeyUsage,
  type SecretContentType,
  type SubjectAlternativeNames,
} from "./certificate-policy.ts";

/** What a request says about a policy: any part may be missing (create fills defaults, update merges). */
export interface CertificatePolicyPatch {
  readonly keyProps?: Partial<CertificateKeyProps>;
  readonly secretContentType?: SecretContentType;
  readonly x509?: {
    readonly subject?: string;
    readonly sans?: SubjectAlternativeNames;
    readonly ekus?: readonly string[];
    readonly keyUsage?: readonly KeyUsage[];
    readonly validityMonths?: number;
  };
  readonly lifetimeActions?: readonly CertificateLifetimeAction[];
  readonly issuer?: IssuerParameters;
  readonly enabled?: boolean;
}

const bad = (message: string): VaultError => new VaultError("BadParameter", message);

const RSA_SIZES = [2048, 3072, 4096];

/**
 * The whole policy a patch describes on top of `base` (null: a new certificate, with Azure's defaults:
 * RSA 2048, exportable, new key on renewal, PKCS#12, 12 months, TLS server+client EKUs). Checks the
 * rules that span fields, which Azure also enforces: a subject or SANs, key sizes and curves by type,
 * one lifetime action, triggers within the validity period.
 */
export function resolvePolicy(patch: CertificatePolicyPatch, base: CertificatePolicy | null, now: number): CertificatePolicy {
  const kty = patch.keyProps?.kty ?? base?.keyProps.kty ?? "RSA";
  const isRsa = kty.startsWith("RSA");
  const keyProps: CertificateKeyProps = {
    kty,
    exportable: patch.keyProps?.exportable ?? base?.keyProps.exportable ?? true,
    reuseKey: patch.keyProps?.reuseKey ?? base?.keyProps.reuseKey ?? false,
    ...(isRsa
      ? { keySize: patch.keyProps?.keySize ?? (base?.keyProps.kty.startsWith("RSA") ? base.keyProps.keySize : undefined) ?? 2048 }
      : { crv: patch.keyProps?.crv ?? (base?.keyProps.kty.startsWith("EC") ? base.keyProps.crv : undefined) ?? "P-256" }),
  };
  if (isRsa && !RSA_SIZES.includes(keyProps.keySize ?? 0)) throw bad("key_size must be 2048, 3072 or 4096 for an RSA certificate.");
  if (!isRsa && patch.keyProps?.keySize !== undefined) throw bad("key_size applies to RSA keys only; EC keys take crv.");
  if (keyProps.crv === "P-256K") throw bad("The curve P-256K is not supported for certificates.");

  const issuer = patch.issuer ?? base?.issuer ?? { name: "Unknown" };
  const subject = patch.x509?.subject ?? base?.x509.subject ?? "";
  const sans = patch.x509?.sans ?? base?.x509.sans;
  const hasSans = sans !== undefined && Object.values(sans).some((list) => Array.isArray(list) && list.length > 0);
  if (subject === "" && !hasSans) throw bad("The policy needs a subject or subject alternative names.");
  const validityMonths = patch.x509?.validityMonths ?? base?.x509.validityMonths ?? DEFAULT_VALIDITY_MONTHS;
  if (!Number.isInteger(validityMonths) || validityMonths < 1 || validityMonths > MAX_VALIDITY_MONTHS) {
    throw bad(`validity_months must be an integer from 1 to ${MAX_VALIDITY_MONTHS}.`);
  }
  const lifetimeActions = patch.lifetimeActions ?? base?.lifetimeActions ?? defaultLifetimeActions(issuer.name);
  assertLifetimeActions(lifetimeActions, validityMonths);

  return {
    keyProps,
    secretContentType: patch.secretContentType ?? base?.secretContentType ?? PKCS12,
    x509: {
      subject,
      ...(sans === undefined ? {} : { sans }),
      ekus: patch.x509?.ekus ?? base?.x509.ekus ?? DEFAULT_EKUS,
      keyUsage: patch.x509?.keyUsage ?? base?.x509.keyUsage ?? defaultKeyUsage(kty),
      validityMonths,
    },
    lifetimeActions,
    issuer,
    enabled: patch.enabled ?? base?.enabled ?? true,
    created: base?.created ?? now,
    updated: now,
  };
}

/** Azure allows one lifetime action; a days_before_expiry trigger must fall inside the validity period. */
function assertLifetimeActions(actions: readonly CertificateLifetimeAction[], validityMonths: number): void {
  if (actions.length > 1) throw bad("A certificate policy takes at most one lifetime action.");
  for (const { trigger } of actions) {
    const { lifetimePercentage, daysBeforeExpiry } = trigger;
    if ((lifetimePercentage === undefined) === (daysBeforeExpiry === undefined)) {
      throw bad("A lifetime action's trigger takes exactly one of lifetime_percentage and days_before_expiry.");
    }
    if (lifetimePercentage !== undefined && (!Number.isInteger(lifetimePercentage) || lifetimePercentage < 1 || lifetimePercentage > 99)) {
      throw bad("lifetime_percentage must be an integer from 1 to 99.");
    }
    // Azure: "days_before_expiry should be between 1 and validity_in_months multiplied by 27".
    const maxDays = validityMonths * 27;
    if (daysBeforeExpiry !== undefined && (!Number.isInteger(daysBeforeExpiry) || daysBeforeExpiry < 1 || daysBeforeExpiry > maxDays)) {
      throw bad(`days_before_expiry must be an integer from 1 to ${maxDays} (validity_months × 27).`);
    }
  }
}
