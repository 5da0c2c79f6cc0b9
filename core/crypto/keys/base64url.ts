import { bytesToBase64Url, decodeBase64 } from "../bytes.ts";

/**
 * Strict base64url for JWK members (RFC 7515 §2: base64url without padding; RFC 4648 §5): no `=`,
 * no `+`/`/`, no whitespace, not empty, and canonical — the unused low bits of the last character
 * must be zero (RFC 4648 §3.5), so every value has exactly one spelling. Null for anything else.
 */
export function decodeBase64UrlStrict(text: string): Uint8Array<ArrayBuffer> | null {
  if (text === "") return null;
  return decodeBase64(text, { url: true, padding: "forbidden", canonical: true });
}

export { bytesToBase64Url as encodeBase64Url };
