import { createMiddleware } from "hono/factory";
import type { PortalEnv } from "./portal-env.ts";

/**
 * The portal's pages load only what the Worker serves itself: no inline script or style, no framing (clickjacking:
 * `frame-ancestors 'none'` and, for older browsers, X-Frame-Options DENY), forms post only back here, and nothing is
 * cached (a revealed secret must not outlive its page).
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const securityHeaders = createMiddleware<PortalEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("Content-Security-Policy", CSP);
  headers.set("X-Frame-Options", "DENY");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  if (!c.req.path.startsWith("/portal/assets/")) headers.set("Cache-Control", "no-store");
});
