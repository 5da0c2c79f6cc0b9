import { base64UrlToBytes, bytesToBase64Url } from "../bytes.ts";

const ALPHABET = /^[A-Za-z0-9_-]+$/;

/**
 * Strict base64url for JWK members (RFC 7515 §2: base64url without padding; RFC 4648 §5): no `=`,
 * no `+`/`/`, no whitespace, not empty, and canonical — the unused low bits of the last character
 * must be zero (RFC 4648 §3.5), so every value has exactly one spelling. Null for anything else.
 */
export function decodeBase64UrlStrict(text: string): Uint8Array<ArrayBuffer> | null {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return null;
  const bytes = base64UrlToBytes(text);
  if (bytes === null || bytesToBase64Url(bytes) !== text) return null;
  return bytes;
}

export { bytesToBase64Url as encodeBase64Url };
