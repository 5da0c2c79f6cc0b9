import { createMiddleware } from "hono/factory";
import { decodeJwt } from "jose";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { timingSafeEqual, utf8 } from "../../durable-objects/crypto/bytes.ts";
import { VaultError } from "../errors/vault-error.ts";
import { verifyToken } from "../auth/verify-token.ts";
import { UUID } from "../wire/oauth.ts";

/** Who is using the control plane: the bootstrap operator, or a tenant admin confined to its tenant. */
export type AdminCaller =
  | { readonly kind: "operator" }
  | { readonly kind: "tenantAdmin"; readonly tenantId: string; readonly objectId: string; readonly appId: string };

/** The control-plane token audience: `{ISSUER_ORIGIN}/admin`. */
export const adminResource = (env: Env): string => `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}/admin`;

const unauthorized = (): VaultError => new VaultError("Unauthorized", "A valid operator key or tenant-admin token is required.");

/**
 * Control-plane authentication. The operator key (Worker secret OPERATOR_KEY) grants everything;
 * a token of a tenant principal marked tenant admin, for the admin resource, grants that tenant's
 * routes only, and the principal must still exist and still be an admin.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer (\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  if (token === undefined) throw unauthorized();
  const operatorKey = c.env.OPERATOR_KEY ?? "";
  if (operatorKey.length >= 16 && timingSafeEqual(utf8(token), utf8(operatorKey))) {
    c.set("admin", { kind: "operator" });
    return next();
  }
  // The token names its tenant; verification against that tenant's keys decides whether to believe it.
  // A route under /admin/tenants/{id} accepts only that tenant's admins.
  const pathTenant = /^\/admin\/tenants\/([^/]+)/.exec(new URL(c.req.url).pathname)?.[1];
  const tenantId = pathTenant ?? claimedTenant(token);
  if (tenantId === undefined || !UUID.test(tenantId)) throw unauthorized();
  const caller = await verifyToken(c.env, token, { tenantId, audience: adminResource(c.env) });
  const principal = caller === null ? null : await tenantStub(c.env, tenantId).getPrincipal(caller.objectId);
  if (caller === null || principal === null || !principal.tenantAdmin) throw unauthorized();
  c.set("admin", { kind: "tenantAdmin", tenantId, objectId: caller.objectId, appId: caller.appId });
  return next();
});

/** The unverified `tid` claim, used only to choose which tenant's keys verify the token. */
function claimedTenant(token: string): string | undefined {
  try {
    const tid = decodeJwt(token).tid;
    return typeof tid === "string" ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** Routes that act across tenants (create/list/delete tenants, operator settings). */
export const operatorOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("admin").kind !== "operator") throw new VaultError("Forbidden", "This operation requires the operator key.");
  return next();
});
