/**
 * The JSON az prints for Key Vault objects (the track-2 SDK models as azure-cli serialises them): camelCase
 * fields, every field present (null when unset), times as ISO 8601 with `+00:00` where the wire has Unix seconds,
 * the object's `name` beside its `id`, and bytes in standard base64. The wire itself is Azure's REST shape.
 */
import { policyFromWire } from "./certificate-policy.ts";

type Wire = Record<string, unknown>;

export function isoTime(seconds: unknown): string | null {
  if (typeof seconds !== "number") return null;
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "+00:00").replace(/Z$/, "+00:00");
}

/** The object name in `https://{vault}/{collection}/{name}[/{version}]`. */
export function nameOf(id: unknown): string | null {
  if (typeof id !== "string") return null;
  return new URL(id).pathname.split("/")[2] ?? null;
}

function attributes(wire: unknown, extra: readonly string[] = []): Wire {
  const a = (wire ?? {}) as Wire;
  const shaped: Wire = {
    created: isoTime(a.created),
    enabled: a.enabled ?? null,
    expires: isoTime(a.exp),
    notBefore: isoTime(a.nbf),
    recoverableDays: a.recoverableDays ?? null,
    recoveryLevel: a.recoveryLevel ?? null,
    updated: isoTime(a.updated),
  };
  for (const field of extra) shaped[field] = a[field] ?? null;
  return sortKeys(shaped);
}

function deletedFields(wire: Wire): Wire {
  if (wire.recoveryId === undefined && wire.deletedDate === undefined) return {};
  return { deletedDate: isoTime(wire.deletedDate), recoveryId: wire.recoveryId ?? null, scheduledPurgeDate: isoTime(wire.scheduledPurgeDate) };
}

export function secretShape(wire: unknown): Wire {
  const s = wire as Wire;
  return sortKeys({
    attributes: attributes(s.attributes),
    contentType: s.contentType ?? null,
    id: s.id ?? null,
    kid: s.kid ?? null,
    managed: s.managed ?? null,
    name: nameOf(s.id),
    tags: s.tags ?? null,
    value: s.value ?? null,
    ...deletedFields(s),
  });
}

export function secretListItemShape(wire: unknown): Wire {
  const s = wire as Wire;
  return sortKeys({ attributes: attributes(s.attributes), contentType: s.contentType ?? null, id: s.id ?? null, managed: s.managed ?? null, name: nameOf(s.id), tags: s.tags ?? null, ...deletedFields(s) });
}

const JWK_FIELDS = ["crv", "d", "dp", "dq", "e", "k", "keyOps", "kid", "kty", "n", "p", "q", "qi", "t", "x", "y"] as const;
const BYTE_FIELDS = new Set(["d", "dp", "dq", "e", "k", "n", "p", "q", "qi", "t", "x", "y"]);

/** A JWK as the SDK model has it: `key_ops` as keyOps, byte fields in standard base64. */
function jwkShape(wire: unknown): Wire {
  const k = (wire ?? {}) as Wire;
  const shaped: Wire = {};
  for (const field of JWK_FIELDS) {
    const value = field === "keyOps" ? k.key_ops : k[field];
    shaped[field] = BYTE_FIELDS.has(field) && typeof value === "string" ? toBase64(value) : (value ?? null);
  }
  return shaped;
}

/** azure-cli keyvault/_transformers.py transform_key_bundle: these attributes, the JWK, managed, tags, name. */
function keyAttributes(wire: unknown): Wire {
  const { recoverableDays: _days, ...rest } = attributes(wire);
  return rest;
}

export function keyShape(wire: unknown): Wire {
  const k = wire as Wire;
  const jwk = (k.key ?? {}) as Wire;
  return sortKeys({ attributes: keyAttributes(k.attributes), key: jwkShape(jwk), managed: k.managed ?? null, name: nameOf(jwk.kid), tags: k.tags ?? null, ...deletedFields(k) });
}

/** transform_key_property / transform_deleted_key: a list item names its key by `kid`. */
export function keyListItemShape(wire: unknown): Wire {
  const k = wire as Wire;
  const kid = k.kid ?? (k.key as Wire | undefined)?.kid;
  return sortKeys({ attributes: keyAttributes(k.attributes), kid: kid ?? null, managed: k.managed ?? null, name: nameOf(kid), tags: k.tags ?? null, ...deletedFields(k) });
}

export function certificateShape(wire: unknown): Wire {
  const c = wire as Wire;
  return sortKeys({
    attributes: attributes(c.attributes),
    cer: typeof c.cer === "string" ? toBase64(c.cer) : null,
    contentType: c.contentType ?? null,
    id: c.id ?? null,
    kid: c.kid ?? null,
    name: nameOf(c.id),
    policy: c.policy === undefined ? null : policyShape(c.policy),
    sid: c.sid ?? null,
    tags: c.tags ?? null,
    x509ThumbprintHex: typeof c.x5t === "string" ? Buffer.from(c.x5t, "base64url").toString("hex").toUpperCase() : null,
    ...deletedFields(c),
  });
}

/** The policy in az's names, its attributes' times as ISO 8601 like every other az attributes block. */
function policyShape(wire: unknown): unknown {
  const policy = policyFromWire(wire) as Wire;
  return policy.attributes === undefined ? policy : { ...policy, attributes: attributes(policy.attributes) };
}

export function certificateListItemShape(wire: unknown): Wire {
  const c = wire as Wire;
  return sortKeys({ attributes: attributes(c.attributes), id: c.id ?? null, name: nameOf(c.id), tags: c.tags ?? null, x509ThumbprintHex: typeof c.x5t === "string" ? Buffer.from(c.x5t, "base64url").toString("hex").toUpperCase() : null, ...deletedFields(c) });
}

/**
 * A certificate's pending operation as az prints the SDK model (CertificateOperation): camelCase, the issuer as
 * issuerParameters, the CSR in standard base64 (what `--query csr -o tsv` gives to wrap in PEM for a CA).
 */
export function certificateOperationShape(wire: unknown): Wire {
  const o = wire as Wire;
  const issuer = o.issuer as Wire | undefined;
  return sortKeys({
    cancellationRequested: o.cancellation_requested ?? null,
    csr: typeof o.csr === "string" ? toBase64(o.csr) : null,
    error: o.error ?? null,
    id: o.id ?? null,
    issuerParameters: issuer === undefined ? null : { certificateTransparency: issuer.cert_transparency ?? null, certificateType: issuer.cty ?? null, name: issuer.name ?? null },
    requestId: o.request_id ?? null,
    status: o.status ?? null,
    statusDetails: o.status_details ?? null,
    target: o.target ?? null,
  });
}

/** base64url (the wire's bytes) to standard base64 (what az prints for bytes). */
export const toBase64 = (base64url: string): string => Buffer.from(base64url, "base64url").toString("base64");

/** az prints dict keys sorted (json.dumps sort_keys). */
function sortKeys(value: Wire): Wire {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
