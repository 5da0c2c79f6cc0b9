import { bytesToBase64Url, timingSafeEqual, utf8 } from "./bytes.ts";

/** RFC 7636 §4.1: a verifier is 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is BASE64URL(SHA-256(verifier)): 43 characters, no padding. */
export const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
export async function verifierMatches(verifier: string, challenge: string): Promise<boolean> {
  if (!VERIFIER.test(verifier)) return false;
  const computed = bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(verifier))));
  return timingSafeEqual(utf8(computed), utf8(challenge));
}
