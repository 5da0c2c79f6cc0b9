import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { UUID, oauthError } from "../wire/oauth.ts";

/**
 * OIDC discovery under an ADFS-shaped authority, for `az login --service-principal` (docs/client-contract.md §3).
 *
 * az 2.45 builds its MSAL authority from the cloud's `--endpoint-active-directory`: `{endpoint}/{tenant}`, or the
 * endpoint alone when it ends in `adfs` (azure/cli/core/auth/identity.py `_get_authority_url`). MSAL 1.21 then asks
 * `https://login.microsoftonline.com/common/discovery/instance` to vouch for any authority that is neither a
 * Microsoft host nor ADFS (msal/authority.py, `Authority.__init__`), and az 2.45 has no setting to turn that off, so a
 * non-Azure authority only works ADFS-shaped: the first path segment must be `adfs`, the last must end in `adfs`.
 * This server is multi-tenant and ADFS has no tenant in its URL, so the tenant sits between the two:
 * `--endpoint-active-directory https://{host}/adfs/{tenant}/adfs`. MSAL reads
 * `{authority}/.well-known/openid-configuration` (no `/v2.0` for ADFS); we send it to the tenant's own discovery
 * document, whose token endpoint is the tenant's (MSAL's `requests` session follows the redirect).
 */
export const adfsDiscoveryRoutes = new Hono<AppEnv>({ strict: false });

adfsDiscoveryRoutes.get("/adfs/:tenant/adfs/.well-known/openid-configuration", (c) => {
  const tenantId = c.req.param("tenant");
  // Shape only: the target answers 400 invalid_tenant for a well-formed id that no tenant has.
  if (!UUID.test(tenantId)) return oauthError(c, 400, "invalid_tenant", "Tenant not found.");
  const origin = c.env.ISSUER_ORIGIN.replace(/\/+$/, "");
  return c.redirect(`${origin}/${tenantId}/v2.0/.well-known/openid-configuration`, 302);
});
