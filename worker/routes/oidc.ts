import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { issuerFor } from "../../core/domain/identity/issuer.ts";
import { TOKEN_ALG } from "../../core/crypto/token-signer.ts";
import { UUID, oauthError, readForm, resourceFromScope } from "../wire/oauth.ts";
import { JWT_BEARER_ASSERTION } from "../auth/client-assertion.ts";
import { assertionRefused, exchangeAssertion } from "./oidc-client-assertion.ts";
import { USER_GRANT_TYPES, isUserGrantType, userGrant } from "./oidc-user-grants.ts";

/**
 * The tenant's OAuth 2.0 authority, shaped like Entra ID v2.0 so `ClientSecretCredential` works with
 * `authorityHost` pointing here (docs/client-contract.md §3): OIDC discovery, JWKS, client credentials — by client
 * secret, or by a client assertion (workload identity federation, docs/access-control.md).
 */
export const oidcRoutes = new Hono<AppEnv>({ strict: false });

const origin = (env: Env): string => env.ISSUER_ORIGIN.replace(/\/+$/, "");

async function tenantExists(env: Env, tenantId: string): Promise<boolean> {
  return UUID.test(tenantId) && (await tenantStub(env, tenantId).describe()) !== null;
}

oidcRoutes.get("/:tenant/v2.0/.well-known/openid-configuration", async (c) => {
  const tenantId = c.req.param("tenant");
  if (!(await tenantExists(c.env, tenantId))) return oauthError(c, 400, "invalid_tenant", "Tenant not found.");
  const base = `${origin(c.env)}/${tenantId}`;
  return c.json({
    issuer: issuerFor(c.env.ISSUER_ORIGIN, tenantId),
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    // People's flows (docs/sign-in.md) beside client credentials.
    response_types_supported: ["code", "token"],
    response_modes_supported: ["query"],
    code_challenge_methods_supported: ["S256"],
    grant_types_supported: ["client_credentials", ...USER_GRANT_TYPES],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: [TOKEN_ALG],
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
    scopes_supported: ["openid", "profile", "offline_access"],
    tenant_region_scope: null,
    cloud_instance_name: "edge-vault",
  });
});

oidcRoutes.get("/:tenant/discovery/v2.0/keys", async (c) => {
  const tenantId = c.req.param("tenant");
  if (!(await tenantExists(c.env, tenantId))) return oauthError(c, 400, "invalid_tenant", "Tenant not found.");
  return c.json({ keys: await tenantStub(c.env, tenantId).jwks() });
});

oidcRoutes.post("/:tenant/oauth2/v2.0/token", async (c) => {
  const tenantId = c.req.param("tenant");
  const form = await readForm(c);
  if (isUserGrantType(form.get("grant_type"))) return userGrant(c, tenantId, form);
  if (form.get("grant_type") !== "client_credentials") {
    return oauthError(c, 400, "unsupported_grant_type", `grant_type must be client_credentials or ${USER_GRANT_TYPES.join(", ")}.`);
  }
  const clientId = form.get("client_id");
  const clientSecret = form.get("client_secret");
  const assertionType = form.get("client_assertion_type");
  const assertion = form.get("client_assertion");
  const resource = resourceFromScope(form.get("scope") ?? undefined);
  if (clientId === null) return oauthError(c, 400, "invalid_request", "client_id is required.");
  // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in a request.
  if (clientSecret !== null && (assertionType !== null || assertion !== null)) return oauthError(c, 400, "invalid_request", "Use either client_secret or client_assertion, not both.");
  if (clientSecret === null && assertionType === null) return oauthError(c, 400, "invalid_request", "client_secret or client_assertion is required.");
  if (assertionType !== null && (assertionType !== JWT_BEARER_ASSERTION || assertion === null || assertion === "")) {
    return oauthError(c, 400, "invalid_request", `client_assertion_type must be ${JWT_BEARER_ASSERTION}, with a client_assertion.`);
  }
  if (resource === null) return oauthError(c, 400, "invalid_scope", "scope must be an https resource followed by /.default.");
  if (!UUID.test(tenantId)) return oauthError(c, 401, "invalid_client", "The client credentials are invalid.");
  const result =
    assertion !== null
      ? await exchangeAssertion(c.env, tenantId, clientId, assertion, resource)
      : await tenantStub(c.env, tenantId).issueToken({ via: "clientSecret", principal: clientId, secret: clientSecret ?? "", resource });
  if (!result.ok) {
    return assertion !== null ? assertionRefused(c) : oauthError(c, 401, "invalid_client", "The client credentials are invalid.");
  }
  const token = result.value;
  return c.json({ token_type: "Bearer", expires_in: token.expiresIn, ext_expires_in: token.expiresIn, access_token: token.accessToken });
});
