import type { PolicySubject, SubjectKind } from "./policy-subject.ts";

/**
 * Azure Policy's built-in Key Vault definitions this vault enforces, by their Azure ids and display names
 * (github.com/Azure/azure-policy, built-in-policies/policyDefinitions/Key Vault/*.json), with the effects each
 * allows there: most "Audit", "Deny", "Disabled"; the rotation rule "Audit" and "Disabled" only (Azure evaluates
 * scheduled rotation after the fact, it never blocks a write). Parameters keep Azure's names and allowed values.
 */
export type PolicyEffect = "Audit" | "Deny" | "Disabled";

export type ParameterSpec =
  | { readonly type: "Integer"; readonly allowedValues?: readonly number[]; readonly defaultValue?: number; readonly min: number; readonly max: number }
  | { readonly type: "Array"; readonly allowedValues?: readonly string[]; readonly defaultValue?: readonly string[] };

export type ParameterValue = number | readonly string[];
export type ParameterValues = Readonly<Record<string, ParameterValue>>;

export interface PolicyDefinition {
  /** The definition's GUID (its `name`); its id is {@link policyDefinitionId}. */
  readonly name: string;
  readonly displayName: string;
  readonly target: SubjectKind;
  readonly effects: readonly PolicyEffect[];
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  /** Why the subject does not comply, or null when it does. `now` in Unix seconds. */
  readonly violation: (subject: PolicySubject, params: ParameterValues, now: number) => string | null;
}

const DAY = 86_400;
const FULL: readonly PolicyEffect[] = ["Audit", "Deny", "Disabled"];
const num = (params: ParameterValues, key: string): number => params[key] as number;
const list = (params: ParameterValues, key: string): readonly string[] => params[key] as readonly string[];
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
/** Azure's integer parameters have no bound; ours keep day and month arithmetic far from overflow. */
const days = { type: "Integer", min: 0, max: 36_500 } as const;

export const POLICY_DEFINITIONS: readonly PolicyDefinition[] = [
  {
    name: "98728c90-32c7-4049-8429-847dc0f4fe37",
    displayName: "Key Vault secrets should have an expiration date",
    target: "secret",
    effects: FULL,
    parameters: {},
    violation: (s) => (s.kind === "secret" && s.exp === undefined ? "The secret has no expiration date." : null),
  },
  {
    name: "342e8053-e12e-4c44-be01-c3c2f318400f",
    displayName: "Secrets should have the specified maximum validity period",
    target: "secret",
    effects: FULL,
    parameters: { maximumValidityInDays: days },
    violation: (s, p) => {
      if (s.kind !== "secret") return null;
      const limit = s.created + num(p, "maximumValidityInDays") * DAY;
      if (s.exp === undefined) return "The secret has no expiration date.";
      return s.exp > limit ? `The secret expires ${iso(s.exp)}, after ${num(p, "maximumValidityInDays")} days from its creation.` : null;
    },
  },
  {
    name: "b0eb591a-5e70-4534-a8bf-04b9c489584a",
    displayName: "Secrets should have more than the specified number of days before expiration",
    target: "secret",
    effects: FULL,
    parameters: { minimumDaysBeforeExpiration: days },
    violation: (s, p, now) => {
      if (s.kind !== "secret" || s.exp === undefined) return null;
      const days = num(p, "minimumDaysBeforeExpiration");
      return s.exp < now + days * DAY ? `The secret expires ${iso(s.exp)}, less than ${days} days from now.` : null;
    },
  },
  {
    name: "152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0",
    displayName: "Key Vault keys should have an expiration date",
    target: "key",
    effects: FULL,
    parameters: {},
    violation: (s) => (s.kind === "key" && s.exp === undefined ? "The key has no expiration date." : null),
  },
  {
    name: "75c4f823-d65c-4f29-a733-01d0077fdbcb",
    displayName: "Keys should be the specified cryptographic type RSA or EC",
    target: "key",
    effects: FULL,
    parameters: { allowedKeyTypes: { type: "Array", allowedValues: ["RSA", "RSA-HSM", "EC", "EC-HSM"], defaultValue: ["RSA", "RSA-HSM", "EC", "EC-HSM"] } },
    violation: (s, p) => (s.kind === "key" && !list(p, "allowedKeyTypes").includes(s.kty) ? `The key type ${s.kty} is not allowed.` : null),
  },
  {
    name: "82067dbb-e53b-4e06-b631-546d197452d9",
    displayName: "Keys using RSA cryptography should have a specified minimum key size",
    target: "key",
    effects: FULL,
    parameters: { minimumRSAKeySize: { type: "Integer", allowedValues: [2048, 3072, 4096], min: 2048, max: 4096 } },
    violation: (s, p) =>
      // An unknown size (a BYOK import, known once the blob is unwrapped) is not judged here; the report judges it.
      s.kind === "key" && (s.kty === "RSA" || s.kty === "RSA-HSM") && s.keySize !== undefined && s.keySize < num(p, "minimumRSAKeySize")
        ? `The RSA key size ${s.keySize} is below ${num(p, "minimumRSAKeySize")}.`
        : null,
  },
  {
    name: "ff25f3c8-b739-4538-9d07-3d6d25cfb255",
    displayName: "Keys using elliptic curve cryptography should have the specified curve names",
    target: "key",
    effects: FULL,
    parameters: { allowedECNames: { type: "Array", allowedValues: ["P-256", "P-256K", "P-384", "P-521"], defaultValue: ["P-256", "P-256K", "P-384", "P-521"] } },
    violation: (s, p) =>
      s.kind === "key" && (s.kty === "EC" || s.kty === "EC-HSM") && !list(p, "allowedECNames").includes(s.crv ?? "")
        ? `The curve ${s.crv ?? "(none)"} is not allowed.`
        : null,
  },
  {
    name: "d8cf8476-a2ec-4916-896e-992351803c44",
    displayName: "Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation.",
    target: "key",
    effects: ["Audit", "Disabled"],
    parameters: { maximumDaysToRotate: days },
    violation: (s, p) => {
      if (s.kind !== "key") return null;
      if (s.scheduledRotation === null) return "The key has no scheduled rotation.";
      const limit = s.created + num(p, "maximumDaysToRotate") * DAY;
      return s.scheduledRotation > limit ? `The key's rotation is scheduled ${iso(s.scheduledRotation)}, more than ${num(p, "maximumDaysToRotate")} days after its creation.` : null;
    },
  },
  {
    name: "0a075868-4c26-42ef-914c-5bc007359560",
    displayName: "Certificates should have the specified maximum validity period",
    target: "certificate",
    effects: FULL,
    parameters: { maximumValidityInMonths: { type: "Integer", defaultValue: 12, min: 1, max: 1200 } },
    violation: (s, p) =>
      s.kind === "certificate" && s.validityMonths > num(p, "maximumValidityInMonths")
        ? `The certificate is valid for ${s.validityMonths} months, more than ${num(p, "maximumValidityInMonths")}.`
        : null,
  },
  {
    // Azure's allowed values are its partner CAs (DigiCert, GlobalSign); this vault's integrated issuers are "Self"
    // and the issuers configured in the vault, so the list names those (docs/vault-policies.md).
    name: "8e826246-c976-48f6-b03e-619bb92b3d82",
    displayName: "Certificates should be issued by the specified integrated certificate authority",
    target: "certificate",
    effects: FULL,
    parameters: { allowedCAs: { type: "Array" } },
    violation: (s, p) =>
      s.kind === "certificate" && !list(p, "allowedCAs").some((ca) => ca.toLowerCase() === s.issuer.toLowerCase())
        ? `The issuer ${s.issuer} is not an allowed certificate authority.`
        : null,
  },
  {
    name: "55615ac9-af46-4a59-874e-391cc3dfb490",
    displayName: "Azure Key Vault should have firewall enabled",
    target: "vault",
    effects: FULL,
    parameters: {},
    violation: (s) => (s.kind === "vault" && !s.firewallEnabled ? "The vault's firewall is not enabled (networkAcls.defaultAction is not Deny)." : null),
  },
];

const DEFINITION_PREFIX = "/providers/Microsoft.Authorization/policyDefinitions/";

export function policyDefinitionId(definition: Pick<PolicyDefinition, "name">): string {
  return `${DEFINITION_PREFIX}${definition.name}`;
}

/** By Azure's full id, compared case-insensitively as ARM compares resource ids. */
export function findPolicyDefinition(id: string): PolicyDefinition | null {
  const lower = id.toLowerCase();
  if (!lower.startsWith(DEFINITION_PREFIX.toLowerCase())) return null;
  const name = lower.slice(DEFINITION_PREFIX.length);
  return POLICY_DEFINITIONS.find((d) => d.name === name) ?? null;
}

export function definitionByName(name: string): PolicyDefinition | null {
  return POLICY_DEFINITIONS.find((d) => d.name === name) ?? null;
}
