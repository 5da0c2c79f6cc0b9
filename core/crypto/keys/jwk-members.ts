import { badParameter } from "../../errors/vault-error.ts";
import { decodeBase64, UNPADDED_BASE64URL } from "../bytes.ts";

/** A parsed JSON object whose members are not yet trusted. */
export type JwkObject = Readonly<Record<string, unknown>>;

export function isJwkObject(value: unknown): value is JwkObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A JWK member's bytes (RFC 7515 §2: base64url without padding; RFC 4648 §5): no `=`, no `+`/`/`, no whitespace,
 * not empty, and canonical — the unused low bits of the last character must be zero (RFC 4648 §3.5), so every value
 * has exactly one spelling. Null for anything else.
 */
export function decodeBase64UrlStrict(text: string): Uint8Array<ArrayBuffer> | null {
  if (text === "") return null;
  return decodeBase64(text, UNPADDED_BASE64URL);
}

/** A required base64url member (RFC 7518 §6: every key parameter is base64url), decoded. */
export function readMember(jwk: JwkObject, kty: string, name: string): Uint8Array<ArrayBuffer> {
  const value = jwk[name];
  if (value === undefined || value === null) throw badParameter(`The ${kty} key is missing the '${name}' member`);
  if (typeof value !== "string") throw badParameter(`The '${name}' member of the ${kty} key must be a string`);
  const bytes = decodeBase64UrlStrict(value);
  if (bytes === null) throw badParameter(`The '${name}' member of the ${kty} key is not valid base64url`);
  return bytes;
}
