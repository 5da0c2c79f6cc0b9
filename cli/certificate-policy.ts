/**
 * Certificate policies between az's form (the SDK model's camelCase names, what `az keyvault certificate
 * get-default-policy` prints and `create --policy` takes) and the REST wire's (x509_props, key_props, …; Key Vault's
 * certificates.json CertificatePolicy). A policy already in wire form passes through unchanged.
 */
const AZ_TO_WIRE: Readonly<Record<string, string>> = {
  issuerParameters: "issuer",
  certificateType: "cty",
  certificateTransparency: "cert_transparency",
  keyProperties: "key_props",
  keyType: "kty",
  keySize: "key_size",
  reuseKey: "reuse_key",
  curve: "crv",
  secretProperties: "secret_props",
  x509CertificateProperties: "x509_props",
  subjectAlternativeNames: "sans",
  dnsNames: "dns_names",
  keyUsage: "key_usage",
  validityInMonths: "validity_months",
  lifetimeActions: "lifetime_actions",
  lifetimePercentage: "lifetime_percentage",
  daysBeforeExpiry: "days_before_expiry",
  actionType: "action_type",
};
const WIRE_TO_AZ: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(AZ_TO_WIRE).map(([az, wire]) => [wire, az]));

function rename(value: unknown, names: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((item) => rename(item, names));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [names[key] ?? key, rename(inner, names)]));
}

export const policyToWire = (policy: unknown): unknown => rename(policy, AZ_TO_WIRE);
export const policyFromWire = (policy: unknown): unknown => rename(policy, WIRE_TO_AZ);
