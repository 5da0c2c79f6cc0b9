import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { allowsOrigin, allowsRequest } from "../../core/domain/vault/cors-rules.ts";
import { requestSettingsOf } from "../clients/vault-request-settings.ts";

/**
 * CORS for browser apps (issue 17; docs/access-control.md "CORS"), by the vault's rule. A preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) is answered here, without a token: 204 with the rule's headers, or 403 without any
 * when the origin, method or headers are not allowed (as Azure Storage answers). An actual request from an allowed
 * origin gets `Access-Control-Allow-Origin` and the headers the SDKs must read exposed — `WWW-Authenticate` above
 * all, which the challenge policy reads from the first 401 — on whatever answer it ends with; a disallowed origin gets
 * no CORS headers, so the browser keeps the answer from its page.
 */
const ALWAYS_EXPOSED = [
  "WWW-Authenticate", "x-ms-request-id", "x-ms-client-request-id", "x-ms-keyvault-service-version", "x-ms-keyvault-region",
  "x-ms-keyvault-network-info", "Retry-After", "retry-after-ms", "x-ms-retry-after-ms", "ETag", "Location",
  "Azure-AsyncOperation", "Cache-Status",
];

export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("Origin");
  if (origin === undefined) return await next();
  const rules = (await requestSettingsOf(c.env, c.get("vault"))).cors;
  const requestedMethod = c.req.header("Access-Control-Request-Method");
  if (c.req.method === "OPTIONS" && requestedMethod !== undefined) {
    const requestedHeaders = (c.req.header("Access-Control-Request-Headers") ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
    if (rules === null || !allowsOrigin(rules, origin) || !allowsRequest(rules, requestedMethod, requestedHeaders)) {
      return c.body(null, 403);
    }
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": rules.allowedMethods.join(", "),
      ...(requestedHeaders.length === 0 ? {} : { "Access-Control-Allow-Headers": requestedHeaders.join(", ") }),
      "Access-Control-Max-Age": String(rules.maxAgeInSeconds),
      Vary: "Origin",
    });
  }
  try {
    await next();
  } finally {
    if (allowsOrigin(rules, origin)) {
      c.res.headers.set("Access-Control-Allow-Origin", origin);
      c.res.headers.append("Vary", "Origin");
      c.res.headers.set("Access-Control-Expose-Headers", [...new Set([...ALWAYS_EXPOSED, ...(rules?.exposedHeaders ?? [])])].join(", "));
    }
  }
});
