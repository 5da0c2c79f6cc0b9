import { decodeJwt } from "jose";

/**
 * A string claim of a token not yet verified, or undefined (not a JWT, claim absent or not a string). Used only to
 * choose which checks and keys verify the token (its tenant, its issuer), never to admit anything.
 */
export function unverifiedClaim(token: string, name: string): string | undefined {
  try {
    const value = decodeJwt(token)[name];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
