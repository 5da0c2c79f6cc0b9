import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { registryStub, tenantStub } from "../clients/tenant-stub.ts";
import { parseIdentityHeader } from "../../durable-objects/crypto/credential-hash.ts";
import type { IssuedToken } from "../../durable-objects/domain/principal.ts";
import type { Result } from "../../durable-objects/domain/result.ts";
import { UUID, oauthError, readForm, resourceFromScope } from "../wire/oauth.ts";

/**
 * Managed-identity token endpoints (client-contract.md §3). App Service style authenticates with the
 * identity header; IMDS and Cloud Shell styles carry no credential in Azure (the network is the
 * credential), so here they serve only the operator-designated local identity, and only when LOCAL_IMDS is on.
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

// App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER), api-version 2019-08-01.
managedIdentityRoutes.get("/msi/token", async (c) => {
  const header = parseIdentityHeader(c.req.header("X-IDENTITY-HEADER") ?? "");
  const resource = resourceFromScope(c.req.query("resource"));
  if (resource === null) return oauthError(c, 400, "invalid_request", "resource must be an https URL.");
  if (header === null || !UUID.test(header.tenantId)) return oauthError(c, 400, "invalid_identity", "The managed identity credential is invalid.");
  const result = await tenantStub(c.env, header.tenantId).issueToken({
    via: "identityHeader",
    principal: header.principalId,
    secret: header.secret,
    resource,
  });
  return tokenResponse(c, result);
});

async function localIdentityToken(c: Context<AppEnv>, resourceParam: string | undefined): Promise<Response> {
  if (c.env.LOCAL_IMDS !== "true" || c.req.header("Metadata")?.toLowerCase() !== "true") {
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
