import { identityApp, vaultApp } from "./app.ts";
import { parseVaultHost } from "./wire/vault-host.ts";

export { VaultObject } from "../durable-objects/vault.ts";
export { TenantObject } from "../durable-objects/tenant.ts";
export { RegistryObject } from "../durable-objects/registry.ts";

/**
 * An empty version segment means "latest": SDKs send `POST /keys/{name}//sign` (client-contract.md §5).
 * Collapsing the empty segment lets one route serve both forms.
 */
function withoutEmptySegments(request: Request, url: URL): Request {
  if (!url.pathname.includes("//")) return request;
  url.pathname = url.pathname.replace(/\/{2,}/g, "/");
  return new Request(url, request);
}

/** Vault hosts (`{vault}.vault.{domain}`) get the data plane; every other host the identity/control plane. */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    const url = new URL(request.url);
    if (parseVaultHost(url) === null) return identityApp.fetch(request, env, ctx);
    return vaultApp.fetch(withoutEmptySegments(request, url), env, ctx);
  },
} satisfies ExportedHandler<Env>;
