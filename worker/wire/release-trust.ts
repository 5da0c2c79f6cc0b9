import type { AttestationTrust } from "../../core/crypto/release/attestation-trust.ts";
import { canonicalAuthority } from "../../core/domain/release-policy/authority.ts";

/**
 * Which attestation authorities this deployment trusts (docs/key-release.md, "Trust"), from its configuration:
 * - ATTESTATION_AUTHORITIES: authority URLs, separated by spaces or commas (e.g.
 *   "https://sharedeus.eus.attest.azure.net"); their discovery documents and key sets may be fetched. Default none.
 * - The local attestation authority (routes/attestation-authority.ts) at `{ISSUER_ORIGIN}/local-attestation`, served
 *   when LOCAL_ATTESTATION = "true" or LOCAL_IMDS = "true", is trusted only when ATTESTATION_AUTHORITIES lists it —
 *   or under LOCAL_IMDS = "true", the local-development switch (`npm run dev`, the tests), as LOCAL_IMDS already
 *   implies WEBHOOK_ALLOW_PRIVATE_TARGETS. A deployment (LOCAL_IMDS = "false") trusts nothing it does not list.
 */
export const LOCAL_AUTHORITY_PATH = "/local-attestation";

export function localAuthorityServed(env: Env): boolean {
  return env.LOCAL_ATTESTATION === "true" || env.LOCAL_IMDS === "true";
}

export function localAuthorityIssuer(env: Env): string {
  return `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}${LOCAL_AUTHORITY_PATH}`;
}

const warned = new Set<string>();

/** The canonical https URLs of a space- or comma-separated list (an allow-list variable); other entries are logged once. */
export function listedAuthorities(value: string | undefined, variable = "ATTESTATION_AUTHORITIES"): string[] {
  const listed: string[] = [];
  for (const entry of (value ?? "").split(/[\s,]+/)) {
    if (entry === "") continue;
    const canonical = canonicalAuthority(entry);
    if (canonical !== null) listed.push(canonical);
    else if (!warned.has(entry)) {
      // A configuration mistake: logged once per isolate, and the entry trusts nothing.
      warned.add(entry);
      console.warn(JSON.stringify({ event: "allow-list-entry-ignored", variable, entry }));
    }
  }
  return listed;
}

export function attestationTrust(env: Env): AttestationTrust {
  const authorities = listedAuthorities(env.ATTESTATION_AUTHORITIES);
  const local = canonicalAuthority(localAuthorityIssuer(env));
  const localTrusted = local !== null && localAuthorityServed(env) && (env.LOCAL_IMDS === "true" || authorities.includes(local));
  return { authorities: authorities.filter((a) => a !== local), localAuthority: localTrusted ? local : null };
}
