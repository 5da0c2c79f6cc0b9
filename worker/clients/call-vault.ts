import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { CallStage } from "../../core/contract/common.ts";
import type { EdgeRead } from "../../core/contract/edge-read.ts";
import type { OpKind, OpOf, VaultCall, VaultOp, VaultResults } from "../../core/contract/vault.ts";
import type { Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { executeOnVault, forgetVault, unwrapFrom, vaultStub } from "./vault-stub.ts";

/**
 * Runs an operation on the request's vault as the authenticated caller, under the audit name of the operation the
 * route declared (worker/middleware/operation.ts); the vault object checks the op's own data action. A request may make two calls, a preflight and its
 * completion, and both run under that one declaration, as one Azure operation. The vault object writes the request's
 * audit record when the call is the request's last (or a preflight that refuses); the audit-trail middleware records
 * everything else.
 */
export async function callVault<K extends OpKind>(c: Context<AppEnv>, op: OpOf<K>, stage: CallStage = "single"): Promise<VaultResults[K]> {
  return await audited(c, stage, () => executeOnVault<K>(c.env, c.get("vault"), { ...vaultCall(c, op, stage), op }));
}

/** As {@link callVault}, for a read the Worker may keep at the edge: the answer carries its lease (edge-lease.ts). */
export async function callVaultForEdge<K extends OpKind>(c: Context<AppEnv>, op: OpOf<K>): Promise<EdgeRead<VaultResults[K]>> {
  return await audited(c, "single", async () => {
    const result = (await vaultStub(c.env, c.get("vault")).executeForEdge(vaultCall(c, op, "single"))) as Result<EdgeRead<VaultResults[K]>>;
    return unwrapFrom(c.get("vault"), result);
  });
}

/**
 * Many calls of one operation in one round trip (batch get): the vault object runs each as its own request — its
 * roles, throttle and audit record — and answers each with a value or an error value, in order. Every item is
 * recorded by the vault object, so the request is too.
 */
export async function callVaultEach<K extends OpKind>(c: Context<AppEnv>, ops: readonly OpOf<K>[]): Promise<Result<VaultResults[K]>[]> {
  const calls = ops.map((op) => vaultCall(c, op, "single"));
  const results = (await vaultStub(c.env, c.get("vault")).executeEach(calls)) as Result<VaultResults[K]>[];
  c.set("audited", true);
  // A vault gone since its settings were cached: the next request looks its place up again (unwrapFrom).
  if (results.some((r) => !r.ok && r.error.code === "VaultNotFound")) forgetVault(c.get("vault").name);
  return results;
}

function vaultCall(c: Context<AppEnv>, op: VaultOp, stage: CallStage): VaultCall {
  const operation = c.get("operation");
  // A route that forgot `operation(...)` is a programming error, never an open door.
  if (operation === undefined) throw new Error(`route ${c.req.routePath} declares no permission`);
  const request = {
    requestId: c.get("requestId"),
    clientIp: clientIp(c),
    receivedAtMs: c.get("receivedAtMs"),
    operation,
    stage,
    apiVersion: c.get("apiVersion"),
  };
  return { caller: c.get("caller"), op, request };
}

async function audited<T>(c: Context<AppEnv>, stage: CallStage, call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    if (stage !== "preflight") c.set("audited", true);
    return result;
  } catch (err) {
    // An error value means the vault object recorded the refusal; a thrown exception may not have.
    if (err instanceof VaultError) c.set("audited", true);
    throw err;
  }
}

/** Cloudflare sets CF-Connecting-IP on every request it proxies (also under wrangler dev). */
export function clientIp(c: Context<AppEnv>): string | null {
  return c.req.header("CF-Connecting-IP") ?? null;
}
