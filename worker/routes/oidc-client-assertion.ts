import type { Context } from "hono";
import { decodeJwt } from "jose";
import type { AppEnv } from "../app-env.ts";
import { fail, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { IssuedToken } from "../../core/domain/identity/principal.ts";
import { verifyFederatedAssertion } from "../auth/client-assertion.ts";
import { tenantStub } from "../clients/tenant-stub.ts";

/**
 * Client credentials by client assertion (RFC 7521 §4.2, RFC 7523 §2.2) at the token endpoint. An assertion whose
 * `iss` and `sub` are the client id is the client's own, signed with one of its certificates (`private_key_jwt`,
 * what ClientCertificateCredential sends): the tenant object verifies it against the stored certificates, addressed
 * to this token endpoint. Any other is an external workload's OIDC token (workload identity federation): verified
 * here against its issuer (worker/auth/client-assertion.ts), then matched by the tenant to the client's federated
 * credentials. Both are recorded in the replay window.
 */
export async function exchangeAssertion(env: Env, tenantId: string, clientId: string, assertion: string, resource: string): Promise<Result<IssuedToken>> {
  if (isClientsOwn(assertion, clientId)) {
    const tokenEndpoint = `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}/${tenantId}/oauth2/v2.0/token`;
    return tenantStub(env, tenantId).issueTokenForAssertion(clientId, { kind: "certificate", token: assertion, tokenEndpoints: [tokenEndpoint] }, resource);
  }
  const verified = await verifyFederatedAssertion(env, assertion, Date.now());
  if (!verified.ok) {
    // Which check failed is for the operator's log, never the caller (one answer for every refusal).
    console.warn(JSON.stringify({ event: "client-assertion-refused", tenant: tenantId, client: clientId.slice(0, 64), reason: verified.reason.slice(0, 500) }));
    return fail(new VaultError("InvalidClient", "The client assertion is invalid."));
  }
  return tenantStub(env, tenantId).issueTokenForAssertion(clientId, { kind: "federated", assertion: verified.value }, resource);
}

/** Read without trust, only to choose the verification; a token that does not decode is left to the federated path's refusal. */
function isClientsOwn(assertion: string, clientId: string): boolean {
  try {
    const claims = decodeJwt(assertion);
    return claims.iss === clientId && claims.sub === clientId;
  } catch {
    return false;
  }
}

/**
 * Entra's answer to an assertion it refuses (AADSTS700027, "Client assertion failed … validation"), with its
 * `error_codes`, `timestamp` and `trace_id` members — but one answer for every failed check: a caller probing
 * which issuers, subjects or audiences a client trusts learns nothing from it.
 */
export const ASSERTION_ERROR_CODE = 700027;

export function assertionRefused(c: Context<AppEnv>): Response {
  const traceId = c.get("requestId") ?? crypto.randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return c.json(
    {
      error: "invalid_client",
      error_description: `AADSTS${ASSERTION_ERROR_CODE}: The client assertion could not be validated for this client. Trace ID: ${traceId} Timestamp: ${timestamp}`,
      error_codes: [ASSERTION_ERROR_CODE],
      timestamp,
      trace_id: traceId,
    },
    401,
  );
}
