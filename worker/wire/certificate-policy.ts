import {
  KEY_USAGES,
  PEM,
  PKCS12,
  type CertificateActionType,
  type CertificateKeyType,
  type CertificateLifetimeAction,
  type CertificatePolicy,
  type KeyUsage,
  type SecretContentType,
  type SubjectAlternativeNames,
} from "../../core/domain/certificates/certificate-policy.ts";
import type { CertificatePolicyPatch } from "../../core/domain/certificates/certificate-policy-patch.ts";
import { isEcCurve } from "../../core/crypto/keys/key-types.ts";
import { parseSubject } from "../../core/crypto/x509/names.ts";
import { x509InputSync } from "./x509-input.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * CertificatePolicy on the wire (certificates.json): snake_case members key_props, secret_props,
 * x509_props, lifetime_actions, issuer, attributes. Parsing checks each member's type and form; the
 * rules that span members live in durable-objects/domain/certificate-policy-patch.ts.
 */
type Json = Record<string, unknown>;

const KEY_TYPES: readonly CertificateKeyType[] = ["RSA", "RSA-HSM", "EC", "EC-HSM"];
const OID = /^[0-2](\.(0|[1-9]\d{0,9})){1,30}$/;
const MAX_LIST = 100;
const MAX_ITEM = 255;

function object(value: unknown, field: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter(`'${field}' must be an object.`);
  return value as Json;
}

function bool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badParameter(`'${field}' must be a boolean.`);
  return value;
}

function integer(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw badParameter(`'${field}' must be an integer.`);
  return value;
}

function text(value: unknown, field: string, max = 1024): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length > max) throw badParameter(`'${field}' must be a string of at most ${max} characters.`);
  return value;
}

function strings(value: unknown, field: string, valid: (s: string) => boolean = () => true): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_LIST) throw badParameter(`'${field}' must be an array of at most ${MAX_LIST} strings.`);
  for (const item of value) {
    if (typeof item !== "string" || item === "" || item.length > MAX_ITEM || !valid(item)) throw badParameter(`'${field}' holds an invalid value.`);
  }
  return value as string[];
}

const DNS_NAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/;

function isIp(value: string): boolean {
  if (IPV4.test(value)) return true;
  try {
    return value.includes(":") && new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

function sans(value: unknown): SubjectAlternativeNames | undefined {
  const raw = object(value, "x509_props.sans");
  if (raw === undefined) return undefined;
  const dnsNames = strings(raw.dns_names, "sans.dns_names", (s) => DNS_NAME.test(s));
  const emails = strings(raw.emails, "sans.emails", (s) => EMAIL.test(s));
  const upns = strings(raw.upns, "sans.upns", (s) => EMAIL.test(s));
  const uris = strings(raw.uris, "sans.uris", isUri);
  const ipAddresses = strings(raw.ipAddresses ?? raw.ip_addresses, "sans.ipAddresses", isIp);
  return {
    ...(dnsNames === undefined ? {} : { dnsNames }),
    ...(emails === undefined ? {} : { emails }),
    ...(upns === undefined ? {} : { upns }),
    ...(uris === undefined ? {} : { uris }),
    ...(ipAddresses === undefined ? {} : { ipAddresses }),
  };
}

/**
 * `x509_props.subject`, read now as the vault will read it when it issues: a subject it cannot encode is
 * a 400 at create, import and policy update alike, before a key is generated or anything is stored.
 * Empty means "none" (a policy may name its certificate by SANs alone; certificate-policy-patch.ts).
 */
function subject(value: unknown): string | undefined {
  const dn = text(value, "x509_props.subject");
  if (dn !== undefined && dn !== "") x509InputSync(() => parseSubject(dn));
  return dn;
}

function keyUsage(value: unknown): KeyUsage[] | undefined {
  const list = strings(value, "x509_props.key_usage");
  return list?.map((u) => {
    const known = KEY_USAGES.find((k) => k.toLowerCase() === u.toLowerCase());
    if (known === undefined) throw badParameter(`Unknown key usage '${u}'; expected one of ${KEY_USAGES.join(", ")}.`);
    return known;
  });
}

function lifetimeActions(value: unknown): CertificateLifetimeAction[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badParameter("'lifetime_actions' must be an array.");
  return value.map((raw, i) => {
    const item = object(raw, `lifetime_actions[${i}]`) ?? {};
    const trigger = object(item.trigger, "lifetime_actions.trigger") ?? {};
    const type = text(object(item.action, "lifetime_actions.action")?.action_type, "action_type");
    const action: CertificateActionType | undefined =
      type?.toLowerCase() === "autorenew" ? "AutoRenew" : type?.toLowerCase() === "emailcontacts" ? "EmailContacts" : undefined;
    if (action === undefined) throw badParameter("A lifetime action's action_type must be AutoRenew or EmailContacts.");
    const lifetimePercentage = integer(trigger.lifetime_percentage, "lifetime_percentage");
    const daysBeforeExpiry = integer(trigger.days_before_expiry, "days_before_expiry");
    return {
      trigger: {
        ...(lifetimePercentage === undefined ? {} : { lifetimePercentage }),
        ...(daysBeforeExpiry === undefined ? {} : { daysBeforeExpiry }),
      },
      action,
    };
  });
}

function contentType(value: unknown): SecretContentType | undefined {
  const type = text(value, "secret_props.contentType");
  if (type === undefined) return undefined;
  if (type === PKCS12 || type === PEM) return type;
  throw badParameter(`secret_props.contentType must be ${PKCS12} or ${PEM}.`);
}

/** A CertificatePolicy from a request body member (create, import, update policy). */
export function certificatePolicyInput(value: unknown): CertificatePolicyPatch {
  const raw = object(value, "policy") ?? {};
  const key = object(raw.key_props, "key_props") ?? {};
  const kty = text(key.kty, "key_props.kty");
  if (kty !== undefined && !KEY_TYPES.includes(kty as CertificateKeyType)) throw badParameter("key_props.kty must be RSA, RSA-HSM, EC or EC-HSM.");
  const crv = text(key.crv, "key_props.crv");
  if (crv !== undefined && !isEcCurve(crv)) throw badParameter("key_props.crv must be P-256, P-384, P-521 or P-256K.");
  const x509 = object(raw.x509_props, "x509_props") ?? {};
  const issuer = object(raw.issuer, "issuer");
  const issuerName = text(issuer?.name, "issuer.name", 127);
  const certificateType = text(issuer?.cty, "issuer.cty", 127);
  const transparency = bool(issuer?.cert_transparency, "issuer.cert_transparency");
  const ekus = strings(x509.ekus, "x509_props.ekus", (s) => OID.test(s));
  const keyProps = {
    ...(kty === undefined ? {} : { kty: kty as CertificateKeyType }),
    ...optional("keySize", integer(key.key_size, "key_props.key_size")),
    ...optional("crv", crv !== undefined && isEcCurve(crv) ? crv : undefined),
    ...optional("exportable", bool(key.exportable, "key_props.exportable")),
    ...optional("reuseKey", bool(key.reuse_key, "key_props.reuse_key")),
  };
  const x509Patch = {
    ...optional("subject", subject(x509.subject)),
    ...optional("sans", sans(x509.sans)),
    ...optional("ekus", ekus),
    ...optional("keyUsage", keyUsage(x509.key_usage)),
    ...optional("validityMonths", integer(x509.validity_months, "x509_props.validity_months")),
  };
  return {
    keyProps,
    x509: x509Patch,
    ...optional("secretContentType", contentType(object(raw.secret_props, "secret_props")?.contentType)),
    ...optional("lifetimeActions", lifetimeActions(raw.lifetime_actions)),
    ...(issuerName === undefined
      ? {}
      : {
          issuer: {
            name: issuerName,
            ...optional("certificateType", certificateType),
            ...optional("certificateTransparency", transparency),
          },
        }),
    ...optional("enabled", bool(object(raw.attributes, "policy.attributes")?.enabled, "policy.attributes.enabled")),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The policy as Azure returns it, with its id. */
export function certificatePolicyBody(certificateId: string, p: CertificatePolicy) {
  const sansBody = p.x509.sans;
  return {
    id: `${certificateId}/policy`,
    key_props: {
      exportable: p.keyProps.exportable,
      kty: p.keyProps.kty,
      ...(p.keyProps.keySize === undefined ? {} : { key_size: p.keyProps.keySize }),
      ...(p.keyProps.crv === undefined ? {} : { crv: p.keyProps.crv }),
      reuse_key: p.keyProps.reuseKey,
    },
    secret_props: { contentType: p.secretContentType },
    x509_props: {
      subject: p.x509.subject,
      ...(sansBody === undefined
        ? {}
        : {
            sans: {
              ...optional("dns_names", sansBody.dnsNames),
              ...optional("emails", sansBody.emails),
              ...optional("upns", sansBody.upns),
              ...optional("uris", sansBody.uris),
              ...optional("ipAddresses", sansBody.ipAddresses),
            },
          }),
      ekus: p.x509.ekus,
      key_usage: p.x509.keyUsage,
      validity_months: p.x509.validityMonths,
      basic_constraints: { ca: false },
    },
    lifetime_actions: p.lifetimeActions.map((a) => ({
      trigger: {
        ...optional("lifetime_percentage", a.trigger.lifetimePercentage),
        ...optional("days_before_expiry", a.trigger.daysBeforeExpiry),
      },
      action: { action_type: a.action },
    })),
    issuer: {
      name: p.issuer.name,
      ...optional("cty", p.issuer.certificateType),
      ...optional("cert_transparency", p.issuer.certificateTransparency),
    },
    attributes: { enabled: p.enabled, created: p.created, updated: p.updated },
  };
}
