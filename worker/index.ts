import { identityApp, vaultApp } from "./app.ts";
import { parseVaultHost } from "./wire/vault-host.ts";

export { VaultObject } from "../durable-objects/vault.ts";
export { TenantObject } from "../durable-objects/tenant.ts";
export { RegistryObject } from "../durable-objects/registry.ts";

/** Vault hosts (`{vault}.vault.{domain}`) get the data plane; every other host the identity/control plane. */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    const app = parseVaultHost(new URL(request.url)) === null ? identityApp : vaultApp;
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
