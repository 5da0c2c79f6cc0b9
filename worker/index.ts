import { identityApp, vaultApp } from "./app.ts";
import { badParameter } from "../core/errors/vault-error.ts";
import { toErrorResponse } from "./errors/to-response.ts";
import { canonicalPath } from "./wire/canonical-path.ts";
import { requestUrl } from "./wire/request-url.ts";
import { parseVaultHost } from "../core/domain/vault/vault-host.ts";
import { portalApp } from "./portal/portal-app.ts";

export { VaultObject } from "../durable-objects/vault/vault-object.ts";
export { TenantObject } from "../durable-objects/tenant/tenant-object.ts";
export { RegistryObject } from "../durable-objects/registry/registry-object.ts";

/**
 * Vault hosts (`{vault}.vault.{domain}`) get the data plane; every other host the identity/control plane. The
 * path is put in its one canonical form first (wire/canonical-path.ts), so routing, authorization and audit all
 * see the same path; the data plane also collapses empty segments as it routes (wire/vault-path.ts).
 */
function route(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
  const url = requestUrl(request);
  const canonical = canonicalPath(url.pathname);
  if (canonical === null) return toErrorResponse(badParameter("The request URI is not valid: malformed percent-encoding."));
  if (canonical !== url.pathname) {
    const rewritten = new URL(url);
    rewritten.pathname = canonical;
    request = new Request(rewritten, request);
  }
  return (parseVaultHost(url) !== null ? vaultApp : identityApp).fetch(request, env, ctx);
}

/** The portal (docs/portal.md) calls the public APIs through `route`, the same path every other client takes. */
const portal = portalApp(route);
const isPortalPath = (url: URL): boolean => url.pathname === "/portal" || url.pathname.startsWith("/portal/");

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    const url = requestUrl(request);
    if (isPortalPath(url) && parseVaultHost(url) === null) return portal.fetch(request, env, ctx);
    return route(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
