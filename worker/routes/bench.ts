import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { BENCH_PRIMITIVES, type BenchPrimitive } from "../../core/crypto/bench-primitives.ts";
import { assertSecretSeed, type SecretsSeeded } from "../../core/domain/objects/bench-seed.ts";
import type { Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { unwrap } from "../clients/unwrap.ts";
import { locateVault, vaultStub } from "../clients/vault-stub.ts";
import { assertVaultName } from "../wire/vault-name.ts";

/**
 * Baselines for `npm run bench`, off unless BENCH_ECHO is "true":
 * - GET /_bench/echo: a bare Worker→Durable Object round trip (the secrets API's baseline);
 * - GET /_bench/worker: the Worker alone, no Durable Object: the most any read the Worker answers by itself (the edge
 *   cache's hits) can reach through the same harness;
 * - GET /_bench/primitive/{name}: the same round trip plus one raw primitive (the keys API's baseline);
 * - GET /_bench/primitive-rate/{name}?ms=: the primitive back to back inside the Durable Object;
 * - GET /_bench/bookkeeping-rate?ms=: throttle admission and the counter + audit writes back to back inside the
 *   Durable Object, rolled back (what throttling and auditing cost each request);
 * - POST /_bench/seed-secrets/{vault}?prefix=&from=&count=: up to 10,000 new secrets written by that vault's object
 *   as `secret.set` would (core/domain/objects/bench-seed.ts), for the list bench's 100,000-name vault. It writes to a
 *   vault with no token: a bench server is a throwaway on loopback, and without BENCH_ECHO the route does not exist.
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

benchRoutes.get("/_bench/worker", (c) => c.json({ worker: c.req.query("v") ?? "" }));

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

/** A query parameter as a whole number, or NaN (which assertSecretSeed refuses by name). */
const wholeNumber = (raw: string | undefined): number => (raw === undefined || !/^[0-9]{1,9}$/.test(raw) ? Number.NaN : Number(raw));

benchRoutes.post("/_bench/seed-secrets/:vault", async (c) => {
  const name = assertVaultName(c.req.param("vault"));
  const seed = assertSecretSeed({ prefix: c.req.query("prefix") ?? "", from: wholeNumber(c.req.query("from")), count: wholeNumber(c.req.query("count")) });
  // Found where it was placed (docs/placement.md), and only if it exists: no object is made for a name that is no vault.
  const vault = await locateVault(c.env, name);
  if (vault === null) throw new VaultError("VaultNotFound", `The vault '${name}' was not found.`);
  const seeded = (await vaultStub(c.env, vault).benchSeedSecrets(seed)) as Result<SecretsSeeded>;
  return c.json(unwrap(seeded));
});
