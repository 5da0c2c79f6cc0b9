import { decodeJwt, type JWTPayload } from "jose";
import { LruCache } from "../../core/crypto/providers/lru-cache.ts";

/** Tokens decoded lately: a client repeats its token on every request until it expires. */
const decoded = new LruCache<JWTPayload | null>(256);

/**
 * A string claim of a token not yet verified, or undefined (not a JWT, claim absent or not a string). Used only to
 * choose which checks and keys verify the token (its tenant, its issuer), never to admit anything. Decoding is pure,
 * so its result is remembered per token (bounded, least recently used first out): the base64 and JSON of a repeated token are not
 * redone on every request.
 */
export function unverifiedClaim(token: string, name: string): string | undefined {
  const value = decoded.get(token, () => decodeOrNull(token))?.[name];
  return typeof value === "string" ? value : undefined;
}

function decodeOrNull(token: string): JWTPayload | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}
