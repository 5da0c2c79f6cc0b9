import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { publicClient } from "../../core/domain/identity/public-clients.ts";
import type { GrantError, GrantOutcome, TokenAnswer } from "../../core/domain/identity/oauth-grant.ts";
import { UUID } from "../wire/oauth.ts";

/** The grant types people's clients use at the token endpoint (docs/sign-in.md). */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** MSAL for JavaScript polls with the short name, which Entra accepts as RFC 8628's. */
const MSAL_DEVICE_CODE_GRANT = "device_code";
export const USER_GRANT_TYPES = ["authorization_code", "refresh_token", DEVICE_CODE_GRANT, MSAL_DEVICE_CODE_GRANT] as const;

export const isUserGrantType = (grantType: string | null): boolean => USER_GRANT_TYPES.some((g) => g === grantType);

/**
 * An error as Entra writes it (RFC 6749 §5.2 plus `error_codes`, `timestamp`, `trace_id`, `correlation_id`, which MSAL
 * reads): invalid_client is 401, temporarily_unavailable 429 (with Retry-After), the rest 400.
 */
/** When a refused start may be tried again: device codes expire over 15 minutes, about one a second at the bound. */
const RETRY_AFTER_SECONDS = 60;

export function grantErrorResponse(c: Context<AppEnv>, e: GrantError): Response {
  const body = {
    error: e.error,
    error_description: e.description,
    error_codes: [e.aadsts],
    timestamp: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"),
    trace_id: c.get("requestId"),
    correlation_id: c.req.header("client-request-id") ?? c.get("requestId"),
  };
  if (e.error === "temporarily_unavailable") c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  return c.json(body, e.error === "invalid_client" ? 401 : e.error === "temporarily_unavailable" ? 429 : 400);
}

export function tokenAnswerResponse(c: Context<AppEnv>, answer: TokenAnswer, withClientInfo: boolean): Response {
  return c.json({
    token_type: "Bearer",
    scope: answer.scope,
    expires_in: answer.expiresIn,
    ext_expires_in: answer.expiresIn,
    access_token: answer.accessToken,
    ...(answer.refreshToken === null ? {} : { refresh_token: answer.refreshToken }),
    ...(answer.idToken === null ? {} : { id_token: answer.idToken }),
    ...(withClientInfo ? { client_info: answer.clientInfo } : {}),
  });
}

const invalid = (error: GrantError["error"], aadsts: number, text: string): GrantError => ({ error, aadsts, description: `AADSTS${aadsts}: ${text}` });

/** grant_type authorization_code, refresh_token or device_code (RFC 8628 §3.4), from a public client (public-clients.ts) that presents no secret. */
export async function userGrant(c: Context<AppEnv>, tenantId: string, form: URLSearchParams): Promise<Response> {
  const clientId = form.get("client_id") ?? "";
  if (publicClient(clientId) === null) return grantErrorResponse(c, invalid("invalid_client", 700016, `Application with identifier '${clientId.slice(0, 64)}' was not found in the directory.`));
  if (form.has("client_secret") || form.has("client_assertion")) {
    return grantErrorResponse(c, invalid("invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."));
  }
  if (!UUID.test(tenantId)) return grantErrorResponse(c, invalid("invalid_request", 90002, "Tenant not found."));
  const stub = tenantStub(c.env, tenantId);
  let outcome: GrantOutcome<TokenAnswer>;
  if (form.get("grant_type") === "authorization_code") {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    if (code === null || redirectUri === null) return grantErrorResponse(c, invalid("invalid_request", 900144, "The request body must contain the parameters 'code' and 'redirect_uri'."));
    outcome = await stub.userGrant({ kind: "authorizationCode", code, clientId, redirectUri, codeVerifier: form.get("code_verifier"), scope: form.get("scope") });
  } else if (form.get("grant_type") === DEVICE_CODE_GRANT || form.get("grant_type") === MSAL_DEVICE_CODE_GRANT) {
    const deviceCode = form.get("device_code");
    if (deviceCode === null) return grantErrorResponse(c, invalid("invalid_request", 900144, "The request body must contain the parameter 'device_code'."));
    outcome = await stub.userGrant({ kind: "deviceCode", deviceCode, clientId });
  } else {
    const refreshToken = form.get("refresh_token");
    if (refreshToken === null) return grantErrorResponse(c, invalid("invalid_request", 900144, "The request body must contain the parameter 'refresh_token'."));
    outcome = await stub.userGrant({ kind: "refreshToken", refreshToken, clientId, scope: form.get("scope") });
  }
  return outcome.ok ? tokenAnswerResponse(c, outcome.value, form.get("client_info") === "1") : grantErrorResponse(c, outcome.error);
}
