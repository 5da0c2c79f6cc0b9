import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { isLocalAuthority, isTrustedAuthority, type AttestationTrust } from "../../core/crypto/release/attestation-trust.ts";
import { ATTESTATION_ALGORITHMS, CLOCK_TOLERANCE_S } from "../../core/crypto/release/verify-attestation.ts";
import { issuerFor } from "../../core/domain/identity/issuer.ts";
import type { TrustedIssuer } from "../../core/domain/identity/trusted-issuer.ts";
import { federationTrust } from "../wire/federation-trust.ts";
import { issuerKeys } from "./client-assertion.ts";
import { trustedIssuersOf } from "./trusted-issuers-cache.ts";
import { unverifiedClaim } from "./unverified-claim.ts";
import { recallVerified, rememberVerified, verifiedTokenKey, type VerifiedCaller } from "./verified-tokens.ts";
import { verifyToken, type Expected } from "./verify-token.ts";

/**
 * A vault's (or managed HSM's) data-plane bearer token: one of the tenant's own token service, verified exactly as
 * before (verify-token.ts), or one of an external issuer the tenant trusts (docs/access-control.md "Trusted external
 * issuers"). Which is decided by the token's unverified `iss` only to pick the checks; every check then runs.
 * An external token is accepted when:
 *  1. its `iss` is on the operator's allow-list (FEDERATED_TOKEN_ISSUERS) and exactly the issuer of one of the vault
 *     tenant's trusted issuers — nothing is fetched, and no tenant object is asked, for an issuer not allow-listed;
 *  2. it is signed (asymmetric algorithm) by a key of that issuer's discovery `jwks_uri` (authority-key-sets.ts);
 *  3. `aud` is the vault resource, as for our own tokens; exp (required) and nbf hold with 60 s of skew;
 *  4. `tid` is the configured external tenant, when one is configured;
 *  5. `oid` is one of the object ids the trust maps. The caller is that oid in the vault's tenant (so role
 *     assignments and access policies naming it apply); its application is `appid` (v1) or `azp` (v2). Its `groups`
 *     claim is ignored: group ids of another directory mean nothing here.
 * Either kind, once verified, is remembered per isolate (verified-tokens.ts): a repeated token costs no signature
 * check and no object call.
 */
export async function verifyVaultToken(env: Env, token: string, expected: Expected): Promise<VerifiedCaller | null> {
  const iss = unverifiedClaim(token, "iss");
  if (iss === undefined || iss === issuerFor(env.ISSUER_ORIGIN, expected.tenantId)) return verifyToken(env, token, expected);
  // The allow-list is checked before memory is asked: an operator's withdrawal holds for remembered tokens too.
  const trust = federationTrust(env);
  if (!isTrustedAuthority(trust, iss)) return null;
  const key = verifiedTokenKey(token, expected.tenantId, expected.audience);
  const nowMs = Date.now();
  const recalled = recallVerified(key, nowMs);
  if (recalled !== null) return recalled;
  const caller = await verifyExternal(env, token, iss, trust, expected, nowMs);
  if (caller !== null) rememberVerified(key, caller, nowMs, CLOCK_TOLERANCE_S);
  return caller;
}

async function verifyExternal(env: Env, token: string, iss: string, trust: AttestationTrust, expected: Expected, nowMs: number): Promise<VerifiedCaller | null> {
  try {
    const alg = decodeProtectedHeader(token).alg;
    if (typeof alg !== "string" || !ATTESTATION_ALGORITHMS.includes(alg)) return null;
  } catch {
    return null;
  }
  const trusted = (await trustedIssuersOf(env, expected.tenantId, nowMs)).find((t) => t.issuer === iss);
  if (trusted === undefined) return null;
  const payload = await verifiedPayload(env, token, trusted, expected, nowMs, (issuer) => isLocalAuthority(trust, issuer));
  if (payload === null) return null;
  const { oid, tid } = payload;
  if (typeof oid !== "string" || !trusted.objectIds.includes(oid.toLowerCase())) return null;
  if (trusted.tenantId !== null && (typeof tid !== "string" || tid.toLowerCase() !== trusted.tenantId)) return null;
  const app = typeof payload.appid === "string" ? payload.appid : typeof payload.azp === "string" ? payload.azp : oid.toLowerCase();
  return {
    tenantId: expected.tenantId,
    objectId: oid.toLowerCase(),
    appId: app,
    // Entra's optional `idtyp` claim says "user" or "app"; without it the caller is taken for an application.
    principalType: payload.idtyp === "user" ? "User" : "ServicePrincipal",
    claims: payload,
  };
}

async function verifiedPayload(env: Env, token: string, trusted: TrustedIssuer, expected: Expected, nowMs: number, isLocal: (issuer: string) => boolean): Promise<JWTPayload | null> {
  const options = {
    algorithms: ATTESTATION_ALGORITHMS,
    issuer: trusted.issuer,
    audience: [expected.audience, `${expected.audience}/`],
    clockTolerance: CLOCK_TOLERANCE_S,
    currentDate: new Date(nowMs),
    requiredClaims: ["exp", "oid"],
  };
  const keys = issuerKeys(env, isLocal, nowMs);
  for (const refresh of [false, true]) {
    const lookup = await keys(trusted.issuer, undefined, refresh);
    if (!lookup.ok) return null;
    try {
      return (await jwtVerify(token, createLocalJWKSet({ keys: lookup.keys }), options)).payload;
    } catch (err) {
      // An unknown kid may be the issuer's new key (Entra rolls its keys): ask once more, bounded by the key-set cache.
      if (!(err instanceof errors.JWKSNoMatchingKey) || refresh) return null;
    }
  }
  return null;
}
