/**
 * The two JSON texts of the security domain (docs/security-domain-format.md §2, §6), written member for
 * member in Azure's order and compact, as Azure's own download is (the 7.2 spec example, base64-decoded):
 *
 *   download: {"EncData":{"data":[{"compact_jwe","tag"}…],"kdf":"sp108_kdf"},
 *              "SharedKeys":{"enc_shares":[{"enc_key","x5t_256"}…],"key_algorithm":"shamir_share","required":M},
 *              "version":2}
 *   restore blob: {"EncData":{…same…},"WrappedKey":{"enc_key","x5t_256"}}
 *
 * Parsing checks shape only; the cryptography is checked by the callers. Unknown members are ignored, as
 * Python's json.load and Newtonsoft are in the clients.
 */
import { SHAMIR_MAX_SHARES, SHAMIR_MIN_THRESHOLD } from "./shamir.ts";

export const KDF_NAME = "sp108_kdf";
export const KEY_ALGORITHM = "shamir_share";
export const DOWNLOAD_VERSION = 2;
/** A bound on what we parse, well above a real domain (the spec example is 34 KB of base64). */
export const MAX_BLOB_CHARS = 1 << 20;
export const MAX_DATA_ITEMS = 32;
/** The format's own share limit (SharedSecret.max_shares, shamir.ts). */
export const MAX_ENC_SHARES = 126;
/** A tag is a JWE `kid` and a KDF label: printable ASCII, no spaces, bounded. */
const TAG_PATTERN = /^[\x21-\x7e]{1,128}$/;

export interface EncDatum {
  readonly compact_jwe: string;
  readonly tag: string;
}
export interface EncShare {
  readonly enc_key: string;
  readonly x5t_256: string;
}
export interface EncData {
  readonly data: readonly EncDatum[];
  readonly kdf: typeof KDF_NAME;
}
export interface SecurityDomainDownload {
  readonly EncData: EncData;
  readonly SharedKeys: { readonly enc_shares: readonly EncShare[]; readonly key_algorithm: typeof KEY_ALGORITHM; readonly required: number };
  readonly version: typeof DOWNLOAD_VERSION;
}
export interface RestoreBlob {
  readonly EncData: EncData;
  readonly WrappedKey: EncShare;
}

export function isDatumTag(tag: unknown): tag is string {
  return typeof tag === "string" && TAG_PATTERN.test(tag);
}

/** Rebuilds each object with Azure's member order, whatever order the caller's objects have. */
const encData = (data: readonly EncDatum[]): EncData => ({ data: data.map(({ compact_jwe, tag }) => ({ compact_jwe, tag })), kdf: KDF_NAME });
const encShare = ({ enc_key, x5t_256 }: EncShare): EncShare => ({ enc_key, x5t_256 });

export function serializeDownload(data: readonly EncDatum[], shares: readonly EncShare[], required: number): string {
  const value: SecurityDomainDownload = {
    EncData: encData(data),
    SharedKeys: { enc_shares: shares.map(encShare), key_algorithm: KEY_ALGORITHM, required },
    version: DOWNLOAD_VERSION,
  };
  return JSON.stringify(value);
}

export function serializeRestoreBlob(data: readonly EncDatum[], wrapped: EncShare): string {
  const value: RestoreBlob = { EncData: encData(data), WrappedKey: encShare(wrapped) };
  return JSON.stringify(value);
}

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0 && value.length <= MAX_BLOB_CHARS;

function parseObject(text: string): Json | null {
  if (text.length > MAX_BLOB_CHARS) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** EncData with 1…MAX_DATA_ITEMS data, distinct well-formed tags, and kdf "sp108_kdf"; null otherwise. */
function readEncData(value: unknown): EncData | null {
  if (!isObject(value) || value.kdf !== KDF_NAME || !Array.isArray(value.data)) return null;
  const items: unknown[] = value.data;
  if (items.length === 0 || items.length > MAX_DATA_ITEMS) return null;
  const data: EncDatum[] = [];
  for (const item of items) {
    if (!isObject(item) || !isText(item.compact_jwe) || !isDatumTag(item.tag)) return null;
    data.push({ compact_jwe: item.compact_jwe, tag: item.tag });
  }
  return new Set(data.map((d) => d.tag)).size === data.length ? { data, kdf: KDF_NAME } : null;
}

function readEncShare(value: unknown): EncShare | null {
  if (!isObject(value) || !isText(value.enc_key) || !isText(value.x5t_256)) return null;
  return { enc_key: value.enc_key, x5t_256: value.x5t_256 };
}

/** A restore blob (the upload `value`), or null: the HSM answers every failure alike (upload-blob.ts). */
export function parseRestoreBlob(text: string): RestoreBlob | null {
  const root = parseObject(text);
  if (root === null) return null;
  const data = readEncData(root.EncData);
  const wrapped = readEncShare(root.WrappedKey);
  return data && wrapped ? { EncData: data, WrappedKey: wrapped } : null;
}

/** A downloaded security domain, or why it cannot be read (restore-blob is the client: it may say why). */
export function parseDownload(text: string): SecurityDomainDownload | string {
  const root = parseObject(text);
  if (root === null) return "The security domain is not a JSON object.";
  if (root.version !== DOWNLOAD_VERSION) return `Only security domain version ${DOWNLOAD_VERSION} (shamir_share) is supported.`;
  const data = readEncData(root.EncData);
  if (data === null) return "The security domain's EncData is malformed.";
  const keys = root.SharedKeys;
  if (!isObject(keys) || keys.key_algorithm !== KEY_ALGORITHM || !Array.isArray(keys.enc_shares)) {
    return "The security domain's SharedKeys is malformed or not shamir_share.";
  }
  const required = keys.required;
  const items: unknown[] = keys.enc_shares;
  if (typeof required !== "number" || !Number.isInteger(required) || required < SHAMIR_MIN_THRESHOLD || required > SHAMIR_MAX_SHARES) {
    return `The security domain's required count must be between ${SHAMIR_MIN_THRESHOLD} and ${SHAMIR_MAX_SHARES}.`;
  }
  const shares = items.map(readEncShare);
  if (shares.length < required || shares.length > MAX_ENC_SHARES || shares.some((s) => s === null)) {
    return "The security domain's enc_shares are malformed.";
  }
  return {
    EncData: data,
    SharedKeys: { enc_shares: shares as EncShare[], key_algorithm: KEY_ALGORITHM, required },
    version: DOWNLOAD_VERSION,
  };
}
