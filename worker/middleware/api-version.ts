import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { apiVersionOf } from "../wire/api-version.ts";

/** Every data-plane call carries a supported api-version; checked centrally, before auth. */
export const apiVersion = createMiddleware<AppEnv>(async (c, next) => {
  c.set("apiVersion", apiVersionOf(new URL(c.req.url)));
  await next();
});
