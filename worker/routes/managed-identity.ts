import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { registryStub, tenantStub } from "../clients/tenant-stub.ts";
import { parseIdentityHeader } from "../../core/crypto/credential-hash.ts";
import type { IssuedToken } from "../../core/domain/identity/principal.ts";
import type { Result } from "../../core/errors/result.ts";
import { UUID, oauthError, readForm, resourceFromScope } from "../wire/oauth.ts";
import { callerOnLoopback } from "../wire/loopback-caller.ts";

/**
 * Managed-identity token endpoints (docs/client-contract.md §3). App Service style authenticates with the
 * identity header; IMDS and Cloud Shell styles carry no credential in Azure (the network is the
 * credential), so here they serve only the operator-designated local identity, only when LOCAL_IMDS is on,
 * and only to a caller on this machine (worker/wire/loopback-caller.ts).
 */
export const managedIdentityRoutes = new Hono<AppEnv>({ strict: false });

function tokenResponse(c: Context, result: Result<IssuedToken>): Response {
  if (!result.ok) return oauthError(c, 400, "invalid_identity", "The managed identity credential is invalid.");
  const t = result.value;
  return c.json({
    access_token: t.accessToken,
    expires_on: String(t.expiresOn),
    expires_in: String(t.expiresIn),
    resource: t.resource,
    token_type: "Bearer",
    client_id: t.clientId,
  });
}

/** App Service's 2017-09-01 answer: `expires_on` as "MM/DD/YYYY HH:MM:SS +00:00" and no `expires_in`. */
function legacyTokenResponse(c: Context, result: Result<IssuedToken>): Response {
  if (!result.ok) return oauthError(c, 400, "invalid_identity", "The managed identity credential is invalid.");
  const t = result.value;
  return c.json({ access_token: t.accessToken, expires_on: appServiceDate(t.expiresOn), resource: t.resource, token_type: "Bearer", client_id: t.clientId });
}

function appServiceDate(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +00:00`;
}

/**
 * App Service: api-version 2019-08-01 (IDENTITY_ENDPOINT + `X-IDENTITY-HEADER`) and its predecessor 2017-09-01
 * (MSI_ENDPOINT + `secret`, which az 2.45 sends through msrestazure `get_msi_token_webapp`). Either header carries the
 * same identity credential; the older version gets the older answer.
 */
managedIdentityRoutes.get("/msi/token", async (c) => {
  const legacy = c.req.query("api-version") === "2017-09-01";
  const credential = legacy ? c.req.header("secret") : c.req.header("X-IDENTITY-HEADER");
  const header = parseIdentityHeader(credential ?? "");
  const resource = resourceFromScope(c.req.query("resource"));
  if (resource === null) return oauthError(c, 400, "invalid_request", "resource must be an https URL.");
  if (header === null || !UUID.test(header.tenantId)) return oauthError(c, 400, "invalid_identity", "The managed identity credential is invalid.");
  const result = await tenantStub(c.env, header.tenantId).issueToken({
    via: "identityHeader",
    principal: header.principalId,
    secret: header.secret,
    resource,
  });
  return legacy ? legacyTokenResponse(c, result) : tokenResponse(c, result);
});

async function localIdentityToken(c: Context<AppEnv>, resourceParam: string | undefined): Promise<Response> {
  // The same refusal as with LOCAL_IMDS off, so a remote caller learns nothing about whether it is on.
  const allowed = c.env.LOCAL_IMDS === "true" && c.req.header("Metadata")?.toLowerCase() === "true";
  if (!allowed || !callerOnLoopback(c.req.header("CF-Connecting-IP"))) {
    return oauthError(c, 400, "invalid_request", "Required metadata header not specified or identity not available.");
  }
  const resource = resourceFromScope(resourceParam);
  if (resource === null) return oauthError(c, 400, "invalid_request", "resource must be an https URL.");
  const identity = await registryStub(c.env).getLocalDefaultIdentity();
  if (identity === null) return oauthError(c, 400, "invalid_identity", "No local default identity is configured.");
  return tokenResponse(c, await tenantStub(c.env, identity.tenantId).issueTokenForLocalIdentity(identity.principalId, resource));
}

// Cloud Shell style (MSI_ENDPOINT): POST with a form body and `Metadata: true`.
managedIdentityRoutes.post("/msi/token", async (c) => localIdentityToken(c, (await readForm(c)).get("resource") ?? undefined));

// IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST); JS adds a trailing slash, which strict: false accepts.
managedIdentityRoutes.get("/metadata/identity/oauth2/token", (c) => localIdentityToken(c, c.req.query("resource")));
