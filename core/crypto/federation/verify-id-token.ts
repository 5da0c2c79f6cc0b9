import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { ExternalIdentity } from "../../domain/identity/sign-in-provider.ts";
import { ATTESTATION_ALGORITHMS, CLOCK_TOLERANCE_S, describeFailure, type IssuerKeys } from "../release/verify-attestation.ts";

/**
 * An external provider's ID token, answered at its token endpoint for our client (OIDC Core §3.1.3.7), verified
 * before anyone is signed in with it:
 *  1. a JWS with an asymmetric algorithm (`none` and HMAC refused: the client secret must not sign identities);
 *  2. signed by a key of the provider's discovery `jwks_uri` (the key-set cache of workload federation);
 *  3. `iss` exactly the configured issuer; `aud` contains our client id, and with several audiences `azp` is it;
 *  4. `exp` and `iat` present, `exp` not past (60 s of skew), `iat` not in the future;
 *  5. `nonce` exactly the one sent with this sign-in's authorization request (§3.1.2.1: binds token to request);
 *  6. `sub` present.
 * The outcome is a value; the reason for a refusal is for the log only.
 */
export interface IdTokenCheck {
  readonly issuer: string;
  readonly clientId: string;
  readonly nonce: string;
  readonly nowSeconds: number;
  readonly keys: IssuerKeys;
}

export type IdTokenOutcome = { readonly ok: true; readonly identity: ExternalIdentity } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): IdTokenOutcome => ({ ok: false, reason });

export async function verifyIdToken(token: string, check: IdTokenCheck): Promise<IdTokenOutcome> {
  try {
    const alg = decodeProtectedHeader(token).alg;
    if (typeof alg !== "string" || !ATTESTATION_ALGORITHMS.includes(alg)) return refuse(`the ID token's alg ${String(alg)} is not an asymmetric signature`);
  } catch {
    return refuse("the ID token is not a compact JWS");
  }
  const options = {
    algorithms: ATTESTATION_ALGORITHMS,
    issuer: check.issuer,
    audience: check.clientId,
    currentDate: new Date(check.nowSeconds * 1000),
    clockTolerance: CLOCK_TOLERANCE_S,
    maxTokenAge: "1 day",
    requiredClaims: ["exp", "iat", "sub", "nonce"],
  };
  for (const refresh of [false, true]) {
    const lookup = await check.keys(check.issuer, undefined, refresh);
    if (!lookup.ok) return refuse(lookup.reason);
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: lookup.keys }), options);
      if (typeof payload.iat !== "number" || payload.iat > check.nowSeconds + CLOCK_TOLERANCE_S) return refuse("the ID token was issued in the future");
      if (payload.nonce !== check.nonce) return refuse("the ID token's nonce is not this sign-in's");
      if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== check.clientId) return refuse("the ID token has several audiences and azp is not our client");
      if (typeof payload.sub !== "string" || payload.sub === "") return refuse("the ID token has no sub");
      const email = typeof payload.email === "string" ? payload.email : null;
      // Some providers send email_verified as the string "true" (OIDC Core §5.1 says boolean); only true itself counts.
      return { ok: true, identity: { issuer: check.issuer, subject: payload.sub, email, emailVerified: payload.email_verified === true } };
    } catch (err) {
      // An unknown kid may be the provider's new key: ask once more, bounded by the key-set cache.
      if (!(err instanceof errors.JWKSNoMatchingKey) || refresh) return refuse(describeFailure(err));
    }
  }
  return refuse("the ID token does not verify");
}
