import type { Principal } from "../../core/domain/identity/principal.ts";
import { FederatedCredentialRepository } from "../storage/federated-credential-repository.ts";
import { PrincipalCertificateRepository } from "../storage/principal-certificate-repository.ts";
import { acceptAssertion, type VerifiedAssertion } from "./federated-credentials.ts";
import { acceptCertificateAssertion } from "./principal-certificates.ts";

export { manageFederatedCredentials, type FederatedOp, type FederatedResult } from "./federated-credentials.ts";
export { manageCertificates, type CertificateOp, type CertificateResult } from "./principal-certificates.ts";

/**
 * The two client assertions the token endpoint takes (docs/access-control.md): an external workload's token, which
 * the Worker verified against its issuer and which must match one of the principal's federated credentials; or an
 * assertion the client signed with one of its certificates, verified here against the stored certificates. Both
 * share the replay window.
 */
export type AssertionProof =
  | { readonly kind: "federated"; readonly assertion: VerifiedAssertion }
  | { readonly kind: "certificate"; readonly token: string; readonly tokenEndpoints: readonly string[] };

export interface AssertionStores {
  readonly federated: FederatedCredentialRepository;
  readonly certificates: PrincipalCertificateRepository;
}

/** The tenant object's credential stores; the replay window lives beside the federated credentials (migration 0005). */
export function assertionStores(sql: SqlStorage): AssertionStores {
  return { federated: new FederatedCredentialRepository(sql), certificates: new PrincipalCertificateRepository(sql) };
}

/**
 * Whether `principal` accepts the assertion; a refusal's reason goes to the log only (the caller sees invalid_client).
 * An acceptance is logged too — for a federated one with the external issuer and subject that vouched for the client —
 * so a token issued on an assertion can be traced to its credential.
 */
export async function acceptClientAssertion(stores: AssertionStores, tenantId: string, clientId: string, principal: Principal | null, proof: AssertionProof, nowSeconds: number): Promise<boolean> {
  const outcome = principal === null ? { ok: false as const, reason: "no principal of the tenant has this client id" } : await check(stores, principal, proof, nowSeconds);
  const facts = { tenant: tenantId, client: clientId.slice(0, 64), kind: proof.kind };
  if (!outcome.ok) console.warn(JSON.stringify({ event: "client-assertion-refused", ...facts, reason: outcome.reason }));
  else console.info(JSON.stringify({ event: "client-assertion-accepted", ...facts, ...(proof.kind === "federated" ? { issuer: proof.assertion.issuer, subject: proof.assertion.subject.slice(0, 120) } : {}) }));
  return outcome.ok;
}

async function check(stores: AssertionStores, principal: Principal, proof: AssertionProof, nowSeconds: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (proof.kind === "federated") return acceptAssertion(stores.federated, principal.id, proof.assertion, nowSeconds);
  // Certificates are an application's credential (Entra's keyCredentials); a managed identity holds none.
  if (principal.type !== "servicePrincipal") return { ok: false, reason: "a managed identity has no certificate credentials" };
  return acceptCertificateAssertion(stores.certificates, stores.federated, principal.id, principal.appId, proof.token, proof.tokenEndpoints, nowSeconds);
}
