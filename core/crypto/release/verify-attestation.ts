import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { sameAuthority } from "../../domain/release-policy/authority.ts";
import type { ReleasePolicy } from "../../domain/release-policy/policy-types.ts";
import { isTrustedAuthority, type AttestationTrust } from "./attestation-trust.ts";
import type { KeySetLookup } from "./authority-key-sets.ts";

/**
 * The target of a release is an attestation token, and it is verified, never trusted (docs/key-release.md):
 *  1. a JWS with a real signature algorithm (RFC 7518 §3.1; `none` and HMAC are refused: an authority signs with a
 *     private key whose public half it publishes);
 *  2. its `iss` is an authority the key's policy names, and one this deployment trusts;
 *  3. its signature verifies with that authority's keys (key sets: authority-key-sets.ts, `jku` only under it);
 *  4. it is within `exp`/`nbf` by the vault's clock, with one minute of skew (RFC 7519 §4.1.4).
 * The outcome is a value: which check failed is a reason for the log and audit trail, never an exception.
 */
export const ATTESTATION_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];
export const CLOCK_TOLERANCE_S = 60;

export type AttestationOutcome =
  | { readonly ok: true; readonly issuer: string; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: string };

/** Where an issuer's keys come from: fetched for a listed authority, derived for the local one. */
export type IssuerKeys = (issuer: string, jku: string | undefined, refresh: boolean) => Promise<KeySetLookup>;

export interface AttestationCheck {
  readonly token: string;
  readonly policy: ReleasePolicy;
  readonly trust: AttestationTrust;
  readonly nowSeconds: number;
  readonly keys: IssuerKeys;
}

const refuse = (reason: string): AttestationOutcome => ({ ok: false, reason });

/** Which jose check refused a token, for the log (shared with federated client assertions). */
export function describeFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "the token has expired";
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's ${err.claim} claim is not valid (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (err instanceof errors.JWKSNoMatchingKey) return "no key of the authority matches the token's kid";
  if (err instanceof errors.JOSEError) return `the token does not verify (${err.code})`;
  return "the token does not verify";
}

/** Header and payload read without trust, only to know which keys to ask for; malformed tokens stop here. */
function peek(token: string): { alg: unknown; jku: unknown; iss: unknown } | null {
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    return { alg: header.alg, jku: header.jku, iss: payload.iss };
  } catch {
    return null;
  }
}

export async function verifyAttestationToken(check: AttestationCheck): Promise<AttestationOutcome> {
  const seen = peek(check.token);
  if (seen === null) return refuse("the target is not a compact JWS with a JSON payload");
  if (typeof seen.alg !== "string" || !ATTESTATION_ALGORITHMS.includes(seen.alg)) return refuse(`the token's alg ${String(seen.alg)} is not an attestation signature`);
  if (seen.jku !== undefined && typeof seen.jku !== "string") return refuse("the token's jku is not a URL");
  if (typeof seen.iss !== "string") return refuse("the token has no iss");
  const issuer = seen.iss;
  if (!check.policy.rules.some((rule) => sameAuthority(rule.authority, issuer))) return refuse(`issuer ${issuer} is not an authority of the key's release policy`);
  if (!isTrustedAuthority(check.trust, issuer)) return refuse(`authority ${issuer} is not trusted by this deployment (ATTESTATION_AUTHORITIES)`);
  const jku = seen.jku as string | undefined;
  const options = {
    algorithms: ATTESTATION_ALGORITHMS,
    issuer,
    currentDate: new Date(check.nowSeconds * 1000),
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["exp"],
  };
  for (const refresh of [false, true]) {
    const lookup = await check.keys(issuer, jku, refresh);
    if (!lookup.ok) return refuse(lookup.reason);
    try {
      const { payload } = await jwtVerify(check.token, createLocalJWKSet({ keys: lookup.keys }), options);
      return { ok: true, issuer, claims: payload };
    } catch (err) {
      // An unknown kid may be a new key of the authority: ask once more for a fresh set (bounded by REFRESH_MIN_MS).
      if (!(err instanceof errors.JWKSNoMatchingKey) || refresh) return refuse(describeFailure(err));
    }
  }
  return refuse("the token does not verify");
}
