import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { CallStage } from "../../core/contract/common.ts";
import type { OpKind, OpOf, VaultResults } from "../../core/contract/vault.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { executeOnVault } from "./vault-stub.ts";

/**
 * Runs an operation on the request's vault as the authenticated caller, under the route's declared
 * action and operation name. The vault object writes the request's audit record when the call is the
 * request's last (or a preflight that refuses); the audit-trail middleware records everything else.
 */
export async function callVault<K extends OpKind>(c: Context<AppEnv>, op: OpOf<K>, stage: CallStage = "single"): Promise<VaultResults[K]> {
  const action = c.get("action");
  const operation = c.get("operation");
  // A route that forgot `requires(...)` is a programming error, never an open door.
  if (action === undefined || operation === undefined) throw new Error(`route ${c.req.routePath} declares no permission`);
  const request = {
    requestId: c.get("requestId"),
    clientIp: clientIp(c),
    receivedAtMs: c.get("receivedAtMs"),
    operation,
    stage,
    apiVersion: c.get("apiVersion"),
  };
  try {
    const result = await executeOnVault(c.env, c.get("vault").name, { caller: c.get("caller"), action, op, request });
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
