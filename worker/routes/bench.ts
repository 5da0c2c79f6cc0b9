import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { BENCH_PRIMITIVES, type BenchPrimitive } from "../../core/crypto/bench-primitives.ts";

/**
 * Baselines for `npm run bench`, off unless BENCH_ECHO is "true":
 * - GET /_bench/echo: a bare Worker→Durable Object round trip (the secrets API's baseline);
 * - GET /_bench/primitive/{name}: the same round trip plus one raw primitive (the keys API's baseline);
 * - GET /_bench/primitive-rate/{name}?ms=: the primitive back to back inside the Durable Object;
 * - GET /_bench/bookkeeping-rate?ms=: throttle admission and the counter + audit writes back to back inside the
 *   Durable Object, rolled back (what throttling and auditing cost each request).
 */
export const benchRoutes = new Hono<AppEnv>({ strict: false });

benchRoutes.use("/_bench/*", async (c, next) => {
  if (c.env.BENCH_ECHO !== "true") return c.notFound();
  return next();
});

const benchStub = (env: Env) => env.VAULT.get(env.VAULT.idFromName("_bench-echo"));

const primitive = (name: string): BenchPrimitive | null =>
  (BENCH_PRIMITIVES as readonly string[]).includes(name) ? (name as BenchPrimitive) : null;

benchRoutes.get("/_bench/echo", async (c) => c.json({ echo: await benchStub(c.env).echo(c.req.query("v") ?? "") }));

benchRoutes.get("/_bench/primitive/:name", async (c) => {
  const name = primitive(c.req.param("name"));
  if (name === null) return c.notFound();
  return c.json({ bytes: await benchStub(c.env).benchPrimitive(name) });
});

benchRoutes.get("/_bench/primitive-rate/:name", async (c) => {
  const name = primitive(c.req.param("name"));
  const ms = Number(c.req.query("ms") ?? "1000");
  if (name === null || !Number.isInteger(ms) || ms < 100 || ms > 10_000) return c.notFound();
  return c.json(await benchStub(c.env).benchPrimitiveRate(name, ms));
});

benchRoutes.get("/_bench/bookkeeping-rate", async (c) => {
  const ms = Number(c.req.query("ms") ?? "1000");
  if (!Number.isInteger(ms) || ms < 100 || ms > 10_000) return c.notFound();
  return c.json(await benchStub(c.env).benchBookkeepingRate(ms));
});
