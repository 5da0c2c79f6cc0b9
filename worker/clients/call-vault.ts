import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { OpKind, OpOf, VaultResults } from "../../durable-objects/rpc.ts";
import { executeOnVault } from "./vault-stub.ts";

/** Runs an operation on the request's vault as the authenticated caller, under the route's declared action. */
export function callVault<K extends OpKind>(c: Context<AppEnv>, op: OpOf<K>): Promise<VaultResults[K]> {
  const action = c.get("action");
  // A route that forgot `requires(...)` is a programming error, never an open door.
  if (action === undefined) throw new Error(`route ${c.req.routePath} declares no permission`);
  return executeOnVault(c.env, c.get("vault").name, { caller: c.get("caller"), action, op });
}
