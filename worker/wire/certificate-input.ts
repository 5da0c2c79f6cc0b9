import type { CertificateInput } from "../../core/contract/certificates.ts";
import type { CertificatePolicyPatch } from "../../core/domain/certificates/certificate-policy-patch.ts";
import { decodeBase64 } from "../../core/crypto/bytes.ts";
import { parseCertificate, readCertificate } from "../../core/crypto/x509/parse.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { MAX_SECRET_TAG_LENGTH, optionalAttributes, optionalTags } from "./assertions.ts";
import { certificatePolicyInput } from "./certificate-policy.ts";
import type { JsonObject } from "./json-body.ts";
import { x509Input } from "./x509-input.ts";

/**
 * Request bodies of the certificates API (certificates.json): CertificateCreateParameters,
 * CertificateImportParameters, CertificateUpdateParameters, CertificateMergeParameters and the pending
 * operation's CertificateOperationUpdateParameter.
 */

/** Attributes and tags; a certificate's nbf/exp come from the certificate itself, so only `enabled` is taken. */
export function certificateMetadata(body: JsonObject): CertificateInput {
  const attributes = optionalAttributes(body);
  const tags = optionalTags(body, MAX_SECRET_TAG_LENGTH);
  return {
    ...(attributes?.enabled === undefined ? {} : { attributes: { enabled: attributes.enabled } }),
    ...(tags === undefined ? {} : { tags }),
  };
}

export function createCertificateInput(body: JsonObject): { policy: CertificatePolicyPatch } & CertificateInput {
  if (body.policy === undefined || body.policy === null) throw badParameter("The parameter 'policy' is required to create a certificate.");
  return { policy: certificatePolicyInput(body.policy), ...certificateMetadata(body) };
}

export function updateCertificateInput(body: JsonObject): { policy?: CertificatePolicyPatch } & CertificateInput {
  return { ...(body.policy === undefined || body.policy === null ? {} : { policy: certificatePolicyInput(body.policy) }), ...certificateMetadata(body) };
}

export interface ImportInput extends CertificateInput {
  /** PEM text, base64 of PEM text, or base64 of a PKCS#12 (JS sends PEM as text, Python base64 of it). */
  readonly value: string;
  readonly password: string | undefined;
  readonly policy: CertificatePolicyPatch;
}

export function importCertificateInput(body: JsonObject): ImportInput {
  const value = body.value;
  if (typeof value !== "string" || value === "") throw badParameter("The parameter 'value' is required: the certificate as base64 PFX or PEM.");
  const pwd = body.pwd;
  if (pwd !== undefined && pwd !== null && typeof pwd !== "string") throw badParameter("The parameter 'pwd' must be a string.");
  return {
    value,
    password: typeof pwd === "string" ? pwd : undefined,
    policy: certificatePolicyInput(body.policy),
    ...certificateMetadata(body),
  };
}

/** Azure merges a leaf and its issuers; ten is far above any real chain and bounds the parsing work. */
export const MAX_X5C_CERTIFICATES = 10;
const X5C_ENTRY = "Each 'x5c' entry must be a base64 DER certificate.";

/**
 * `x5c`: the CA-signed chain, leaf first, each base64 DER (RFC 7517 §4.7). Every entry is decoded and
 * read as a certificate here, before the vault is asked: bad input is a 400 BadParameter whether or
 * not a pending certificate of that name exists, as Azure checks the body first.
 */
export async function mergeCertificateInput(body: JsonObject): Promise<{ chain: Uint8Array[] } & CertificateInput> {
  const x5c = body.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_X5C_CERTIFICATES) {
    throw badParameter(`The parameter 'x5c' must be an array of 1 to ${MAX_X5C_CERTIFICATES} base64 certificates.`);
  }
  const chain = x5c.map((entry) => certificateDer(typeof entry === "string" ? decodeBase64(entry) : null));
  // The leaf is read as the vault will store it (its key, names, validity); issuers need only be certificates.
  const [leaf, ...issuers] = chain;
  if (leaf !== undefined) await x509Input(() => parseCertificate(leaf));
  for (const der of issuers) await x509Input(() => readCertificate(der));
  return { chain, ...certificateMetadata(body) };
}

const decoder = new TextDecoder();

/**
 * An x5c entry's certificate. Azure takes DER, and also what the official SDK tests send: base64 of the
 * certificate's base64 or PEM text (azure-sdk-for-js mergeAndImport.spec, azure-sdk-for-python
 * test_merge_certificate both pass against Azure), so text is decoded once more.
 */
function certificateDer(bytes: Uint8Array | null): Uint8Array {
  if (bytes === null || bytes.length === 0) throw badParameter(X5C_ENTRY);
  if (bytes[0] === 0x30) return bytes;
  const text = decoder.decode(bytes).replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const der = decodeBase64(text);
  if (der === null || der.length === 0) throw badParameter(X5C_ENTRY);
  return der;
}

/** PATCH …/pending: only `cancellation_requested: true` is meaningful. */
export function cancellationInput(body: JsonObject): boolean {
  const value = body.cancellation_requested;
  if (typeof value !== "boolean") throw badParameter("The parameter 'cancellation_requested' must be a boolean.");
  return value;
}
