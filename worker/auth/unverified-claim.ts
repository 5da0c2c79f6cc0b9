import { decodeJwt, type JWTPayload } from "jose";

/** Tokens decoded lately: a client repeats its token on every request until it expires. */
const decoded = new Map<string, JWTPayload | null>();
const REMEMBERED = 256;

/**
 * A string claim of a token not yet verified, or undefined (not a JWT, claim absent or not a string). Used only to
 * choose which checks and keys verify the token (its tenant, its issuer), never to admit anything. Decoding is pure,
 * so its result is remembered per token (bounded, oldest first out): the base64 and JSON of a repeated token are not
 * redone on every request.
 */
export function unverifiedClaim(token: string, name: string): string | undefined {
  let payload = decoded.get(token);
  if (payload === undefined) {
    payload = decodeOrNull(token);
    if (decoded.size >= REMEMBERED) decoded.delete(decoded.keys().next().value as string);
    decoded.set(token, payload);
  }
  const value = payload?.[name];
  return typeof value === "string" ? value : undefined;
}

function decodeOrNull(token: string): JWTPayload | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}
