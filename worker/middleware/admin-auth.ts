import { createMiddleware } from "hono/factory";
import { unverifiedClaim } from "../auth/unverified-claim.ts";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { timingSafeEqual, utf8 } from "../../core/crypto/bytes.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { verifyToken } from "../auth/verify-token.ts";
import { UUID } from "../wire/oauth.ts";

/** The control-plane token audience: `{ISSUER_ORIGIN}/admin`. */
export const adminResource = (env: Env): string => `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}/admin`;

export const unauthorizedAdmin = (): VaultError => new VaultError("Unauthorized", "A valid operator key or tenant-admin token is required.");

/**
 * Control-plane authentication: who the caller is, never what it may do (that is decided per route, on the route's
 * parameters, by admin-access.ts). The operator key (Worker secret OPERATOR_KEY) is the operator; otherwise a token
 * for the admin resource, verified against the keys of the tenant it names, of a principal of that tenant that
 * still exists and is still a tenant admin (and, for a person, still enabled).
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer (\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  if (token === undefined) throw unauthorizedAdmin();
  const operatorKey = c.env.OPERATOR_KEY ?? "";
  if (operatorKey.length >= 16 && timingSafeEqual(utf8(token), utf8(operatorKey))) {
    c.set("admin", { kind: "operator" });
    return next();
  }
  const tenantId = unverifiedClaim(token, "tid");
  if (tenantId === undefined || !UUID.test(tenantId)) throw unauthorizedAdmin();
  const caller = await verifyToken(c.env, token, { tenantId, audience: adminResource(c.env) });
  const principal = caller === null ? null : await tenantStub(c.env, tenantId).activeTenantAdmin(caller.objectId);
  if (caller === null || principal === null) throw unauthorizedAdmin();
  c.set("admin", { kind: "tenantAdmin", tenantId, objectId: caller.objectId, appId: caller.appId });
  return next();
});
