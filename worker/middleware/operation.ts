import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { OpKind } from "../../core/contract/vault.ts";
import { OPERATIONS } from "../../core/contract/operations.ts";

/**
 * Declares the operation a route runs, by its kind: its descriptor (core/contract/operations.ts) gives the data action
 * the caller's role must grant (checked in one place, the vault object, from the op it receives) and the operation
 * name the audit record carries (Azure's AuditEvent names: "SecretGet", "KeySign", …). Set before the route reads anything, so a request
 * refused at the boundary (bad input) is still recorded under its operation. A route without a declaration cannot
 * reach the vault (see ../clients/call-vault.ts).
 */
export function operation(kind: OpKind) {
  return namedOperation(OPERATIONS[kind].auditName);
}

/**
 * Declares a route's operation by its audit name alone, for routes that run no vault operation of their own kind:
 * refusals decided in the Worker (key-operations.ts NEEDS_HARDWARE) and batches whose items are audited as theirs
 * (edge-batch-get.ts).
 */
export function namedOperation(auditName: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("operation", auditName);
    await next();
  });
}
