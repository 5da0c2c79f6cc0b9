import { canonicalAuthority, sameAuthority } from "../../domain/release-policy/authority.ts";

/**
 * Which attestation authorities a deployment believes (docs/key-release.md, "Trust"): the Worker reads them from its
 * configuration (ATTESTATION_AUTHORITIES, the local authority's switch) and passes them with each release, so a
 * vault object fetches keys from, and believes tokens of, no authority its operator did not name. A policy naming
 * an authority is not enough: policies are written by vault users.
 */
export interface AttestationTrust {
  /** Canonical authority URLs (authority.ts) whose discovery documents and key sets may be fetched. */
  readonly authorities: readonly string[];
  /** This deployment's own local attestation authority, when it serves and trusts it: its keys are derived, not fetched. */
  readonly localAuthority: string | null;
}

export const NO_TRUST: AttestationTrust = { authorities: [], localAuthority: null };

export function isTrustedAuthority(trust: AttestationTrust, issuer: string): boolean {
  if (trust.localAuthority !== null && sameAuthority(trust.localAuthority, issuer)) return true;
  const canonical = canonicalAuthority(issuer);
  return canonical !== null && trust.authorities.includes(canonical);
}

export function isLocalAuthority(trust: AttestationTrust, issuer: string): boolean {
  return trust.localAuthority !== null && sameAuthority(trust.localAuthority, issuer);
}
