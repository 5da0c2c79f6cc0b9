/** Byte helpers shared by the envelope, backup and wire code. */
const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/**
 * Octets of `text` in UTF-8 (RFC 3629), the unit of Azure's byte limits ("stores and manages secrets as
 * sequences of octets … with a maximum size of 25 KB", about-secrets.md); a lone surrogate counts as the
 * three octets of U+FFFD, which is what TextEncoder writes for it.
 */
export function utf8ByteLength(text: string): number {
  return encoder.encode(text).length;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `text` is Unicode text, i.e. has a UTF-8 form (ES2024's String.prototype.isWellFormed, not in
 * this project's ES2022 lib): every surrogate is half of a pair. A lone one becomes U+FFFD in UTF-8.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export interface Base64Options {
  /** RFC 4648 §5 alphabet (`-`, `_`) instead of §4 (`+`, `/`). */
  readonly url?: boolean;
  /** "optional" (default): none, or exactly enough `=` to fill the last quantum (§3.2); "forbidden": none (RFC 7515 §2). */
  readonly padding?: "optional" | "forbidden";
  /** The unused low bits of the last character must be zero, so each value has one spelling (§3.5). */
  readonly canonical?: boolean;
}

function alphabetTable(last2: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${last2}`;
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const STANDARD = alphabetTable("+/");
const URL_SAFE = alphabetTable("-_");

/**
 * The one strict base64 decoder (RFC 4648 §4/§5): every character in the alphabet, no whitespace, a
 * length that is a whole number of octets (never 1 mod 4), padding only at the end and only to complete
 * the last quantum. Null for anything else — it never throws, unlike `atob`, whose InvalidCharacterError
 * on client input was once answered with a 500 (docs/security.md). Callers turn null into their own 400.
 */
export function decodeBase64(text: string, options: Base64Options = {}): Uint8Array<ArrayBuffer> | null {
  let end = text.length;
  if (options.padding !== "forbidden" && text.endsWith("=")) {
    if (end % 4 !== 0) return null;
    end -= text.endsWith("==") ? 2 : 1;
  }
  if (end % 4 === 1) return null;
  const table = options.url === true ? URL_SAFE : STANDARD;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (table[code] ?? -1) : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if (options.canonical === true && (buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/**
 * Unpadded canonical base64url (RFC 7515 §2 over RFC 4648 §5, §3.5): no `=`, one spelling per value. The form of
 * JWK members and of every binary field of the HSM bridge protocol; `decodeBase64(text, UNPADDED_BASE64URL)`.
 */
export const UNPADDED_BASE64URL: Base64Options = { url: true, padding: "forbidden", canonical: true };

/** Strict base64url (RFC 4648 §5), padding optional; null for anything else. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  return decodeBase64(text, { url: true });
}

/**
 * Base64 this service wrote itself (stored certificates, CSRs, the root key from configuration). Client
 * input goes through `decodeBase64` instead: here malformed text is a bug of ours, so it throws.
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = decodeBase64(text);
  if (bytes === null) throw new Error("malformed base64 in trusted data");
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Constant-time comparison for secrets that are only ever compared (hashes, keys). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
