import type { AttestationTrust } from "../../core/crypto/release/attestation-trust.ts";
import { canonicalAuthority } from "../../core/domain/release-policy/authority.ts";
import { listedAuthorities } from "./release-trust.ts";

/**
 * Which external OIDC issuers' tokens may be exchanged for this deployment's tokens (workload identity federation,
 * docs/access-control.md "Workload identity federation"), from its configuration:
 * - FEDERATED_TOKEN_ISSUERS: issuer URLs, https only, separated by spaces or commas (e.g.
 *   "https://token.actions.githubusercontent.com https://oidc.prod-aks.azure.com/{guid}"). Their discovery documents
 *   and key sets may be fetched. Default none: a tenant admin's federated credential naming an issuer is not enough,
 *   as a release policy naming an attestation authority is not (anyone can run an issuer; the operator decides).
 * - The local OIDC issuer (routes/local-oidc-issuer.ts) at `{ISSUER_ORIGIN}/local-oidc`, served only under
 *   LOCAL_IMDS = "true", is trusted only when FEDERATED_TOKEN_ISSUERS lists it as well (`npm run dev` does). Its keys
 *   are derived from the root key, never fetched.
 * The shape is the attestation allow-list's (AttestationTrust), so the same checks and key-set cache serve both.
 */
export const LOCAL_OIDC_ISSUER_PATH = "/local-oidc";

export function localOidcIssuerServed(env: Env): boolean {
  return env.LOCAL_IMDS === "true";
}

export function localOidcIssuer(env: Env): string {
  return `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}${LOCAL_OIDC_ISSUER_PATH}`;
}

export function federationTrust(env: Env): AttestationTrust {
  const issuers = listedAuthorities(env.FEDERATED_TOKEN_ISSUERS, "FEDERATED_TOKEN_ISSUERS");
  const local = canonicalAuthority(localOidcIssuer(env));
  const localTrusted = local !== null && localOidcIssuerServed(env) && issuers.includes(local);
  return { authorities: issuers.filter((i) => i !== local), localAuthority: localTrusted ? local : null };
}
