import { bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";

/** RFC 7636 §4.1: 32 random octets, base64url → a 43-character verifier. */
export function newVerifier(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** RFC 7636 §4.2: S256, BASE64URL(SHA256(ASCII(code_verifier))). */
export async function challengeOf(verifier: string): Promise<string> {
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(verifier))));
}
