/**
 * Request bodies checked at the boundary with small named assertions (docs/decisions.md §6.3): each parser returns the
 * typed request or throws BadParameter naming the field. Binary fields must be canonical base64url.
 */
import { decodeBase64, UNPADDED_BASE64URL } from "../../../core/crypto/bytes.ts";
import {
  AES_CIPHER_ALGORITHMS,
  AES_KEY_SIZES,
  AES_WRAP_ALGORITHMS,
  CURVES,
  HMAC_KEY_SIZES,
  MAX_ATTESTATION_SUBJECT_CHARS,
  MAX_RANDOM_BYTES,
  OCT_PURPOSES,
  RELEASE_WRAP_ALGORITHMS,
  RSA_CIPHER_ALGORITHMS,
  RSA_KEY_SIZES,
  SIGN_ALGORITHMS,
  type DecryptRequest,
  type EncryptRequest,
  type ByokTarget,
  type GenerateKeyRequest,
  type ImportByokRequest,
  type ImportKeyRequest,
  type KeyAttestationRequest,
  type OctPurpose,
  type RandomRequest,
  type ReleaseWrapRequest,
  type SignRequest,
  type UnwrapRequest,
  type WrapRequest,
} from "../../../core/hsm/bridge-client/types.ts";
import { badParameter } from "../failure.ts";

type Fields = Record<string, unknown>;

const CIPHER_ALGORITHMS = [...RSA_CIPHER_ALGORITHMS, ...AES_CIPHER_ALGORITHMS] as const;
const WRAP_ALGORITHMS = [...AES_WRAP_ALGORITHMS, ...RSA_CIPHER_ALGORITHMS] as const;

export function parseJsonBody(body: Uint8Array): Fields {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw badParameter("body must be a JSON object");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badParameter("body must be a JSON object");
  return value as Fields;
}

/** oct: the sizes allowed depend on `purpose` (absent = "aes"). */
export function parseGenerate(fields: Fields): GenerateKeyRequest {
  const kty = oneOf(fields, "kty", ["RSA", "EC", "oct"] as const);
  const purpose = purposeField(fields, kty);
  const exportable = exportability(fields);
  if (kty === "RSA") return { kty, size: oneOf(fields, "size", RSA_KEY_SIZES), ...exportable };
  if (kty === "EC") return { kty, curve: oneOf(fields, "curve", CURVES), ...exportable };
  if (purpose === "hmac") return { kty, size: oneOf(fields, "size", HMAC_KEY_SIZES), purpose, ...exportable };
  return { kty, size: oneOf(fields, "size", AES_KEY_SIZES), purpose: "aes", ...exportable };
}

/** `exportable`: optional, a boolean when present; only `true` changes anything (keys/templates.ts). */
function exportability(fields: Fields): { exportable?: true } {
  const value = field(fields, "exportable");
  if (value === undefined) return {};
  if (typeof value !== "boolean") throw badParameter("exportable must be a boolean");
  return value ? { exportable: true } : {};
}

export function parseReleaseWrap(fields: Fields): ReleaseWrapRequest {
  const target = field(fields, "target");
  if (typeof target !== "object" || target === null || Array.isArray(target)) throw badParameter("target must be an object");
  const key = target as Fields;
  return { enc: oneOf(fields, "enc", RELEASE_WRAP_ALGORITHMS), target: { n: bytes(key, "n"), e: bytes(key, "e") } };
}

export function parseKeyAttestation(fields: Fields): KeyAttestationRequest {
  const subject = field(fields, "subject");
  if (typeof subject !== "string" || subject.length === 0 || subject.length > MAX_ATTESTATION_SUBJECT_CHARS) {
    throw badParameter(`subject must be a string of 1 to ${MAX_ATTESTATION_SUBJECT_CHARS} characters`);
  }
  return { subject };
}

export function parseImport(fields: Fields): ImportKeyRequest {
  const jwk = field(fields, "jwk");
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) throw badParameter("jwk must be an object");
  const key = jwk as Fields;
  const kty = oneOf(key, "kty", ["RSA", "EC", "oct"] as const);
  const purpose = purposeField(fields, kty);
  // The key's length is checked against the purpose's sizes where the bytes are decoded (keys/import.ts).
  const exportable = exportability(fields);
  if (kty === "oct") return { jwk: { kty, k: bytes(key, "k") }, purpose: purpose ?? "aes", ...exportable };
  if (kty === "EC") {
    return { jwk: { kty, crv: oneOf(key, "crv", CURVES), x: bytes(key, "x"), y: bytes(key, "y"), d: bytes(key, "d") }, ...exportable };
  }
  const [n, e, d, p, q, dp, dq, qi] = (["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const).map((name) => bytes(key, name)) as [
    string, string, string, string, string, string, string, string,
  ];
  return { jwk: { kty, n, e, d, p, q, dp, dq, qi }, ...exportable };
}

/** `purpose` says what an oct key is for (absent: "aes"); RSA and EC keys have none and must not send one. */
function purposeField(fields: Fields, kty: "RSA" | "EC" | "oct"): OctPurpose | undefined {
  if (field(fields, "purpose") === undefined) return undefined;
  if (kty !== "oct") throw badParameter("purpose is for oct keys only");
  return oneOf(fields, "purpose", OCT_PURPOSES);
}

export function parseImportByok(fields: Fields): ImportByokRequest {
  const target = field(fields, "target");
  if (typeof target !== "object" || target === null || Array.isArray(target)) throw badParameter("target must be an object");
  return { ciphertext: bytes(fields, "ciphertext"), target: byokTarget(target as Fields), ...exportability(fields) };
}

function byokTarget(target: Fields): ByokTarget {
  const kty = oneOf(target, "kty", ["RSA", "EC", "oct"] as const);
  return kty === "EC" ? { kty, curve: oneOf(target, "curve", CURVES) } : { kty };
}

export function parseSign(fields: Fields): SignRequest {
  return { alg: oneOf(fields, "alg", SIGN_ALGORITHMS), digest: bytes(fields, "digest") };
}

export function parseEncrypt(fields: Fields): EncryptRequest {
  return {
    alg: oneOf(fields, "alg", CIPHER_ALGORITHMS),
    plaintext: bytes(fields, "plaintext", { allowEmpty: true }),
    ...optionalBytes(fields, "iv"),
    ...optionalBytes(fields, "aad"),
  };
}

export function parseDecrypt(fields: Fields): DecryptRequest {
  return {
    alg: oneOf(fields, "alg", CIPHER_ALGORITHMS),
    ciphertext: bytes(fields, "ciphertext", { allowEmpty: true }),
    ...optionalBytes(fields, "iv"),
    ...optionalBytes(fields, "aad"),
    ...optionalBytes(fields, "tag"),
  };
}

export function parseWrap(fields: Fields): WrapRequest {
  return { alg: oneOf(fields, "alg", WRAP_ALGORITHMS), key: bytes(fields, "key") };
}

export function parseUnwrap(fields: Fields): UnwrapRequest {
  return { alg: oneOf(fields, "alg", WRAP_ALGORITHMS), wrapped: bytes(fields, "wrapped") };
}

export function parseRandom(fields: Fields): RandomRequest {
  const count = field(fields, "count");
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_RANDOM_BYTES) {
    throw badParameter(`count must be an integer from 1 to ${MAX_RANDOM_BYTES}`);
  }
  return { count };
}

/** A key id is the base64url of 16 random bytes: 22 characters. */
export function assertKeyId(id: string): void {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id) || decodeBase64(id, UNPADDED_BASE64URL) === null) throw badParameter("key id must be base64url of 16 bytes");
}

function field(fields: Fields, name: string): unknown {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function oneOf<const T extends string | number>(fields: Fields, name: string, allowed: readonly T[]): T {
  const value = field(fields, name);
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw badParameter(`${name} must be one of ${allowed.join(", ")}`);
  return match;
}

function bytes(fields: Fields, name: string, options: { allowEmpty?: boolean } = {}): string {
  const value = field(fields, name);
  if (typeof value !== "string" || decodeBase64(value, UNPADDED_BASE64URL) === null || (value === "" && options.allowEmpty !== true)) {
    throw badParameter(`${name} must be ${options.allowEmpty === true ? "" : "non-empty "}unpadded base64url`);
  }
  return value;
}

function optionalBytes<K extends string>(fields: Fields, name: K): Partial<Record<K, string>> {
  if (field(fields, name) === undefined) return {};
  return { [name]: bytes(fields, name, { allowEmpty: name === "aad" }) } as Record<K, string>;
}
