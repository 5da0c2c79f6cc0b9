import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { AuditObject } from "../../core/domain/vault/audit-record.ts";
import { AUDIT_SUCCESS } from "../../core/domain/vault/audit-record.ts";
import { clientIp } from "../clients/call-vault.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { errorCodeOf } from "../errors/error-code-of.ts";
import { toErrorResponse } from "../errors/to-response.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { vaultRequestPath } from "../wire/vault-path.ts";

/** Azure logs token failures under this operation name (AuditEvent "Authentication"). */
const AUTHENTICATION = "Authentication";
/** A request that matched no route has no operation of its own. */
const UNKNOWN_OPERATION = "Unknown";

/**
 * One audit record per data-plane request. The vault object writes it, in the same transaction as the
 * operation's changes, for every request that reaches it; this middleware records the rest — refused
 * before the vault object was called (401 challenge, bad input, unknown route) — after the response is
 * formed. If the record cannot be written the request fails rather than going unrecorded.
 */
export const auditTrail = createMiddleware<AppEnv>(async (c, next) => {
  c.set("receivedAtMs", Date.now());
  c.set("audited", false);
  await next();
  if (c.get("audited")) return;
  const response = c.res;
  const caller = c.get("caller");
  const recorded = await vaultStub(c.env, c.get("vault")).recordRequest({
    requestId: c.get("requestId"),
    caller: caller === undefined ? null : { objectId: caller.objectId, appId: caller.appId, type: caller.principalType },
    clientIp: clientIp(c),
    operation: c.get("operation") ?? (response.status === 401 ? AUTHENTICATION : UNKNOWN_OPERATION),
    object: objectInPath(vaultRequestPath(c.req.raw)),
    httpStatus: response.status,
    resultCode: response.status < 400 ? AUDIT_SUCCESS : await errorCodeOf(response),
    durationMs: Date.now() - c.get("receivedAtMs"),
  });
  // Fail closed: a request that could not be recorded is answered as unavailable, whatever it was.
  if (!recorded.ok) c.res = toErrorResponse(VaultError.from(recorded.error));
});

const OBJECT_PATH = /^\/(secrets|keys|deletedsecrets|deletedkeys)\/([^/]+)(?:\/([0-9a-fA-F]{32}))?/;

function objectInPath(path: string): AuditObject | null {
  const match = OBJECT_PATH.exec(path);
  if (match === null) return null;
  const [, collection = "", name = "", version] = match;
  if (name === "restore") return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    decoded = name;
  }
  return { kind: collection.endsWith("keys") ? "key" : "secret", name: decoded.slice(0, 127), version: version?.toLowerCase() ?? null };
}
