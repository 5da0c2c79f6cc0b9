import type { Context } from "hono";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { Result } from "../../core/errors/result.ts";
import type { EdgeRead } from "../../core/contract/edge-read.ts";
import type { KeySetOp, KeySetResults } from "../../core/contract/key-sets.ts";
import { ANONYMOUS_AUDIT_CALLER } from "../../core/domain/vault/audit-record.ts";
import { answerAtEdge } from "../edge/edge-read.ts";
import { clientIp } from "../clients/call-vault.ts";
import { unwrap } from "../clients/unwrap.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { VAULT_JWKS_PATH, discoveryDocument, jwkSetBody } from "../wire/published-key-set.ts";

/**
 * Published key sets, an extension beyond Azure (docs/edge-reads.md, "Published key sets"; issue 20): the public keys
 * of the vault's asymmetric keys as RFC 7517 JWK Sets, and a discovery document pointing at them, so that anything
 * signed with a vault key can be verified by any JOSE library, without a Key Vault client. JOSE libraries send neither
 * a token nor an api-version, so these routes need neither (worker/app.ts skips both for them); they are served only
 * while the vault's `publicJwks` setting is on, which the vault object reads on every request
 * (durable-objects/vault/published-key-sets.ts), and are charged and audited there as anonymous reads.
 *
 * Why these paths cannot be Azure's: a key version is 32 hex digits, so `/keys/{name}/jwks` is no Azure key version's
 * path (nor any of Azure's `/keys/{name}/…` operations: create, backup, rotate, rotationpolicy, versions, release…), and
 * Azure's data plane has no `/.well-known` collection. An SDK never sends them, so the extension is opt-in.
 */
export const KEY_JWKS_PATH = "/keys/:name/jwks";
export const DISCOVERY_PATH = "/.well-known/openid-configuration";

/**
 * How long anyone — a browser, a CDN, a JOSE library's cache — may keep a key set: a version disabled (or expired)
 * may still be trusted by such a copy for this long. Short, as key rotation wants new versions seen quickly.
 */
export const KEY_SET_MAX_AGE_SECONDS = 60;

/** The routes read without a token or an api-version, by method and registered path. */
const ANONYMOUS_ROUTES: ReadonlySet<string> = new Set([`GET ${KEY_JWKS_PATH}`, `GET ${VAULT_JWKS_PATH}`, `GET ${DISCOVERY_PATH}`]);

/**
 * Whether the request is answered by a published key set route: its route is already matched when middleware runs (Hono
 * composes the chain first), and the first matched route that is not app-wide middleware is the one that answers, as
 * the api-version middleware reads it too.
 */
export function servedWithoutToken(c: Context<AppEnv>): boolean {
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  return route !== undefined && isAnonymousRoute(route.method, route.path);
}

/** Whether a registered route is read without a token or an api-version (also for docs/api-versions.md). */
export function isAnonymousRoute(method: string, path: string): boolean {
  return ANONYMOUS_ROUTES.has(`${method} ${path}`);
}

/**
 * A published key set may be kept by anyone for {@link KEY_SET_MAX_AGE_SECONDS} (RFC 9111 §5.2.2.9 `public`), on its 200
 * and on the 304 standing for it (RFC 9110 §15.4.5), and read from any web page (the Fetch standard's
 * `Access-Control-Allow-Origin: *`, which carries no credentials): public keys, for browser-side JOSE libraries as well.
 * Mounted outside the response-headers middleware, whose `Cache-Control: no-cache` it replaces; errors keep that.
 */
export const publishedKeySetCaching = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!servedWithoutToken(c) || (c.res.status !== 200 && c.res.status !== 304)) return;
  c.res.headers.set("Cache-Control", `public, max-age=${KEY_SET_MAX_AGE_SECONDS}`);
  c.res.headers.set("Access-Control-Allow-Origin", "*");
});

export const publishedKeySetRoutes = new Hono<AppEnv>({ strict: false });

publishedKeySetRoutes.get(KEY_JWKS_PATH, operation("keySet.key"), async (c) => {
  const name = keyNameOf(c);
  return await publishedAtEdge(c, { kind: "keySet.key", name }, (keys) => jwkSetBody(c.get("vaultBaseUrl"), keys));
});

publishedKeySetRoutes.get(VAULT_JWKS_PATH, operation("keySet.vault"), async (c) => {
  return await publishedAtEdge(c, { kind: "keySet.vault" }, (keys) => jwkSetBody(c.get("vaultBaseUrl"), keys));
});

publishedKeySetRoutes.get(DISCOVERY_PATH, operation("keySet.discovery"), async (c) => {
  return await publishedAtEdge(c, { kind: "keySet.discovery" }, () => discoveryDocument(c.get("vaultBaseUrl")));
});

/**
 * A published key set, from the edge cache when the vault keeps it there (docs/edge-reads.md, "Edge cache"): kept by
 * the vault host that was asked, with no caller's permission to keep, and recorded as the anonymous read it is.
 */
async function publishedAtEdge<K extends KeySetOp["kind"]>(
  c: Context<AppEnv>,
  op: Extract<KeySetOp, { kind: K }>,
  render: (value: KeySetResults[K]) => unknown,
): Promise<Response> {
  const name = "name" in op ? op.name : null;
  return await answerAtEdge(c, {
    address: { read: [c.get("vault").tenantId, c.get("vaultBaseUrl"), op.kind, name?.toLowerCase() ?? ""].join("|"), permission: null },
    caller: ANONYMOUS_AUDIT_CALLER,
    object: name === null ? null : { kind: "key", name, version: null },
    fetch: () => readPublished(c, op),
    render,
  });
}

/**
 * No key can have a name Azure refuses, so no key set is at such a path: it is answered as a path this vault does not
 * serve, the same whether the vault publishes or not, and so reveals nothing of the setting.
 */
function keyNameOf(c: Context<AppEnv>): string {
  try {
    return assertObjectName(c.req.param("name"));
  } catch {
    throw new VaultError("NotFound", "The requested resource was not found.");
  }
}

/**
 * One call to the vault object, as no caller: it decides whether the set is published and records the request
 * either way, so an error value means the request is recorded (as callVault has it, ../clients/call-vault.ts).
 */
async function readPublished<K extends KeySetOp["kind"]>(c: Context<AppEnv>, op: Extract<KeySetOp, { kind: K }>): Promise<EdgeRead<KeySetResults[K]>> {
  const operationName = c.get("operation");
  if (operationName === undefined) throw new Error(`route ${c.req.routePath} declares no operation`);
  const request = { requestId: c.get("requestId"), clientIp: clientIp(c), receivedAtMs: c.get("receivedAtMs"), operation: operationName };
  try {
    const result = (await vaultStub(c.env, c.get("vault")).publishedKeySet({ op, request })) as Result<EdgeRead<KeySetResults[K]>>;
    const value = unwrap(result);
    c.set("audited", true);
    return value;
  } catch (err) {
    if (err instanceof VaultError) c.set("audited", true);
    throw err;
  }
}
