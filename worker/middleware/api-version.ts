import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env.ts";
import { apiVersionOf, assertRouteInVersion } from "../wire/api-version.ts";
import { requestUrl } from "../wire/request-url.ts";

/**
 * Every data-plane call carries a supported api-version; checked centrally, before auth. The request's route is
 * already matched here (Hono composes the chain before running it): the first route that is not app-wide
 * middleware (`ALL /*`) is the one that answers, and an operation a version predates is refused for that version
 * (worker/wire/api-version.ts ROUTES_ADDED).
 */
export const apiVersion = createMiddleware<AppEnv>(async (c, next) => {
  const version = apiVersionOf(requestUrl(c.req.raw));
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  if (route !== undefined) assertRouteInVersion(route.method, route.path, version);
  c.set("apiVersion", version);
  await next();
});
