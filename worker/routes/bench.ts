import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";

/**
 * The benchmark's baseline (issue: "a bare Worker→Durable-Object echo measured in the same run"):
 * the same request path minus auth, validation, storage and crypto. Off unless BENCH_ECHO is "true".
 */
export const benchRoutes = new Hono<AppEnv>({ strict: false });

benchRoutes.get("/_bench/echo", async (c) => {
  if (c.env.BENCH_ECHO !== "true") return c.notFound();
  const stub = c.env.VAULT.get(c.env.VAULT.idFromName("_bench-echo"));
  return c.json({ echo: await stub.echo(c.req.query("v") ?? "") });
});
