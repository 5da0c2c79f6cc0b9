import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { currentRootKey } from "../../core/crypto/envelope/root-key-ring.ts";
import { verifyExternalToken } from "../../core/crypto/federation/verify-external-token.ts";
import { isLocalAuthority } from "../../core/crypto/release/attestation-trust.ts";
import { AuthorityKeySets, fetchJsonDocument } from "../../core/crypto/release/authority-key-sets.ts";
import { localIssuerKey } from "../../core/crypto/release/local-authority-key.ts";
import { CLOCK_TOLERANCE_S, type IssuerKeys } from "../../core/crypto/release/verify-attestation.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import type { VerifiedAssertion } from "../../durable-objects/tenant/federated-credentials.ts";
import { federationTrust } from "../wire/federation-trust.ts";

/**
 * The Worker's half of a federated client assertion (RFC 7521 §4.2, `client_assertion_type`
 * `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`): the external token is verified here against its
 * allow-listed issuer's keys; the tenant object then matches it to the client's federated credentials and keeps the
 * replay window. Key sets are fetched (discovery, `jwks_uri`; 5 s, 64 KB, no redirects) and kept per isolate by the
 * same bounded cache as attestation authorities' (core/crypto/release/authority-key-sets.ts).
 */
export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The purpose the local OIDC issuer's key is derived for (routes/local-oidc-issuer.ts). */
export const LOCAL_OIDC_PURPOSE = "local-oidc-issuer/v1";

const issuerKeySets = new AuthorityKeySets(fetchJsonDocument);

/** External sign-in providers' discovery and keys: key sets anywhere on the issuer's origin (authority-key-sets.ts). */
const providerKeySets = new AuthorityKeySets(fetchJsonDocument, "sameOrigin");

/**
 * Where an allow-listed issuer's keys come from (shared with trusted external issuers, auth/verify-vault-token.ts);
 * `forSignIn` for the ID tokens of external sign-in providers (external-provider.ts).
 */
export function issuerKeys(env: Env, isLocal: (issuer: string) => boolean, nowMs: number, forSignIn = false): IssuerKeys {
  return async (issuer, jku, refresh) => {
    if (!isLocal(issuer)) return (forSignIn ? providerKeySets : issuerKeySets).keysFor(issuer, jku, nowMs, refresh);
    return { ok: true, keys: [{ ...(await localIssuerKey(await currentRootKey(env), LOCAL_OIDC_PURPOSE)).jwk }] };
  };
}

/** An allow-listed sign-in provider's discovered endpoints, from the same cache as its keys (external-provider.ts). */
export function issuerDiscovery(issuer: string, nowMs: number) {
  return providerKeySets.endpoints(issuer, nowMs);
}

/**
 * One assertion's name in the replay window: its issuer and `jti` (RFC 7519 §4.1.7: unique per issuer), or the
 * whole assertion when it carries no jti (then only that exact token is refused again).
 */
function replayKey(issuer: string, jti: unknown, assertion: string): string {
  return bytesToHex(sha256(utf8(typeof jti === "string" && jti !== "" ? `jti\n${issuer}\n${jti}` : `token\n${assertion}`)));
}

export async function verifyFederatedAssertion(env: Env, assertion: string, nowMs: number): Promise<{ ok: true; value: VerifiedAssertion } | { ok: false; reason: string }> {
  const trust = federationTrust(env);
  const outcome = await verifyExternalToken(assertion, trust, Math.floor(nowMs / 1000), issuerKeys(env, (issuer) => isLocalAuthority(trust, issuer), nowMs));
  if (!outcome.ok) return outcome;
  const { claims, issuer } = outcome;
  const aud = claims.aud;
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
  return {
    ok: true,
    value: { issuer, subject: claims.sub, audiences, replayKey: replayKey(issuer, claims.jti, assertion), replayUntil: claims.exp + CLOCK_TOLERANCE_S },
  };
}
