import { Hono } from "hono";
import { UUID } from "../wire/oauth.ts";
import { createMiddleware } from "hono/factory";
import { PORTAL_CSS, PORTAL_JS } from "./assets.ts";
import type { PortalEnv, Upstream } from "./portal-env.ts";
import { securityHeaders } from "./security-headers.ts";
import { csrfGuard, portalSession } from "./session.ts";
import { signInRoutes } from "./sign-in-routes.tsx";
import { tenantRoutes } from "./tenant-routes.tsx";
import { vaultRoutes } from "./vault-routes.tsx";
import { secretRoutes } from "./secret-routes.tsx";
import { keyRoutes } from "./key-routes.tsx";
import { certificateRoutes } from "./certificate-routes.tsx";
import { accessRoutes } from "./access-routes.tsx";
import { auditRoutes } from "./audit-routes.tsx";
import { eventRoutes } from "./event-routes.tsx";
import { throttleRoutes } from "./throttle-routes.tsx";
import { wellFormedPage } from "./list-pages.tsx";

/** Pages that need no one signed in. */
const OPEN = new Set(["/portal/signin", "/portal/signin/person", "/portal/signin/operator", "/portal/callback"]);

const signedIn = createMiddleware<PortalEnv>(async (c, next) => {
  if (OPEN.has(c.req.path.replace(/\/+$/, "")) || c.get("session").identity !== undefined) return next();
  return c.redirect("/portal/signin", 303);
});

/**
 * A tenant id and vault name in the portal's path are the API's path segments too: only well-formed ones pass, so
 * no segment can reshape the API path it is put into (`..`, `%2F`).
 */
const wellFormedPlace = createMiddleware<PortalEnv>(async (c, next) => {
  const [, , tenant, , vault] = c.req.path.split("/").slice(1);
  if (tenant !== undefined && !UUID.test(tenant)) return c.notFound();
  if (vault !== undefined && vault !== "open" && !/^[a-z0-9-]{3,24}$/i.test(vault)) return c.notFound();
  return next();
});

/**
 * The portal (docs/portal.md) at /portal on the identity host: server-rendered pages whose every action is a call of
 * the public APIs through `upstream` — the Worker's own fetch path — with the signed-in person's token.
 */
export function portalApp(upstream: Upstream): Hono<PortalEnv> {
  const app = new Hono<PortalEnv>({ strict: false }).basePath("/portal");
  app.use("*", securityHeaders);
  app.get("/assets/portal.css", (c) => c.body(PORTAL_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=300" }));
  app.get("/assets/portal.js", (c) => c.body(PORTAL_JS, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=300" }));
  app.use("*", async (c, next) => {
    c.set("upstream", upstream);
    await next();
  });
  app.use("*", portalSession, csrfGuard, signedIn);
  app.use("/t/*", wellFormedPlace, wellFormedPage);
  app.route("/", signInRoutes);
  app.get("/", (c) => {
    const identity = c.get("session").identity;
    return c.redirect(identity?.kind === "person" ? `/portal/t/${identity.tenantId}/vaults` : "/portal/tenants", 303);
  });
  app.route("/", tenantRoutes);
  app.route("/", vaultRoutes);
  app.route("/", secretRoutes);
  app.route("/", keyRoutes);
  app.route("/", certificateRoutes);
  app.route("/", accessRoutes);
  app.route("/", auditRoutes);
  app.route("/", eventRoutes);
  app.route("/", throttleRoutes);
  return app;
}
