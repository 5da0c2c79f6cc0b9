import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { isTrustedAuthority, type AttestationTrust } from "../release/attestation-trust.ts";
import { ATTESTATION_ALGORITHMS, CLOCK_TOLERANCE_S, describeFailure, type IssuerKeys } from "../release/verify-attestation.ts";

/**
 * A workload's external OIDC token presented as a client assertion (workload identity federation; RFC 7523 §2.2,
 * docs/access-control.md "Workload identity federation") is verified as the vault verifies attestation tokens, with
 * the same machinery (authority-key-sets.ts, attestation-trust.ts) and the same rules:
 *  1. a JWS with an asymmetric algorithm (`none` and HMAC refused: the issuer publishes its public keys);
 *  2. its `iss` is on this deployment's allow-list (FEDERATED_TOKEN_ISSUERS) — anyone can run an OIDC issuer;
 *  3. its signature verifies with a key from that issuer's discovery document's `jwks_uri` (under the issuer's URL;
 *     a header `jku` is not followed: GitHub and Kubernetes tokens carry none);
 *  4. `exp` (required) and `nbf` hold with {@link CLOCK_TOLERANCE_S} of skew (RFC 7523 §3 items 4–5), and `sub` is present.
 * Which credential of the client it must match, its audience and the replay window are the tenant's checks.
 * The outcome is a value; the reason for a refusal is for the log only.
 */
export type ExternalTokenOutcome =
  | { readonly ok: true; readonly issuer: string; readonly claims: JWTPayload & { readonly sub: string; readonly exp: number } }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): ExternalTokenOutcome => ({ ok: false, reason });

function peek(token: string): { alg: unknown; iss: unknown } | null {
  try {
    return { alg: decodeProtectedHeader(token).alg, iss: decodeJwt(token).iss };
  } catch {
    return null;
  }
}

export async function verifyExternalToken(token: string, trust: AttestationTrust, nowSeconds: number, keys: IssuerKeys): Promise<ExternalTokenOutcome> {
  const seen = peek(token);
  if (seen === null) return refuse("the assertion is not a compact JWS with a JSON payload");
  if (typeof seen.alg !== "string" || !ATTESTATION_ALGORITHMS.includes(seen.alg)) return refuse(`the assertion's alg ${String(seen.alg)} is not an asymmetric signature`);
  if (typeof seen.iss !== "string") return refuse("the assertion has no iss");
  const issuer = seen.iss;
  if (!isTrustedAuthority(trust, issuer)) return refuse(`issuer ${issuer} is not trusted by this deployment (FEDERATED_TOKEN_ISSUERS)`);
  const options = { algorithms: ATTESTATION_ALGORITHMS, issuer, currentDate: new Date(nowSeconds * 1000), clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ["exp", "sub"] };
  for (const refresh of [false, true]) {
    const lookup = await keys(issuer, undefined, refresh);
    if (!lookup.ok) return refuse(lookup.reason);
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: lookup.keys }), options);
      if (typeof payload.sub !== "string" || typeof payload.exp !== "number") return refuse("the assertion's sub or exp is malformed");
      return { ok: true, issuer, claims: { ...payload, sub: payload.sub, exp: payload.exp } };
    } catch (err) {
      // An unknown kid may be the issuer's new key (GitHub and Kubernetes rotate theirs): ask once more, bounded.
      if (!(err instanceof errors.JWKSNoMatchingKey) || refresh) return refuse(describeFailure(err));
    }
  }
  return refuse("the assertion does not verify");
}
