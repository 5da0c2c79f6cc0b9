import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { clientIp } from "../clients/call-vault.ts";
import { registryStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { AUDIT_SUCCESS } from "../../core/domain/vault/audit-record.ts";
import type { SignInFailure } from "../../core/domain/identity/oauth-grant.ts";

/** How a sign-in ended: who (an existing user's object id, else null) and, if refused, why. */
export interface SignInResult {
  readonly userId: string | null;
  readonly failure: SignInFailure | null;
  /** The client, when only the sign-in itself could tell it (the device flow's page). */
  readonly clientId?: string | null;
  readonly response: Response;
}

/**
 * Runs a person's sign-in under a write-ahead record in the tenant's control-plane audit log (docs/sign-in.md
 * "Audit"), as every control-plane request is (middleware/control-plane-audit.ts): if the record cannot be begun the
 * sign-in does not run. The record names the user by object id and the client; never the password, nor the name
 * typed for an unknown user. An external sign-in's record names its provider in `description` (resultDescription).
 */
export async function auditedSignIn(c: Context<AppEnv>, tenantId: string, operation: string, clientId: string | null, run: () => Promise<SignInResult>, description?: string): Promise<Response> {
  const startedMs = Date.now();
  const registry = registryStub(c.env);
  const seq = unwrap(await registry.beginAuditRecord({ requestId: c.get("requestId"), tenantId, vault: "", operation, caller: null, clientIp: clientIp(c), object: null, ...(description === undefined ? {} : { resultDescription: description }) }));
  const result = await run();
  await registry.completeAuditRecord(seq, {
    tenantId,
    vault: "",
    operation,
    caller: result.userId === null ? null : { objectId: result.userId, appId: result.clientId ?? clientId ?? "", type: "User" },
    httpStatus: result.response.status,
    resultCode: result.failure ?? AUDIT_SUCCESS,
    durationMs: Date.now() - startedMs,
  });
  return result.response;
}
