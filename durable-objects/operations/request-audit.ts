import type { AuditObject, AuditRecord } from "../../core/domain/vault/audit-record.ts";
import { AUDIT_SUCCESS } from "../../core/domain/vault/audit-record.ts";
import type { Clock } from "../../core/domain/clock.ts";
import { VERSION_PATTERN } from "../../core/domain/objects/ids.ts";
import { successStatus } from "../../core/domain/objects/success-status.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { VaultCall } from "../../core/contract/vault.ts";

/**
 * The audit record of one call, formed as it ends. A call that changes state has its record written
 * inside the same transaction as the change (see vault.ts); `written` prevents a second record.
 */
export class RequestAudit {
  written = false;

  constructor(
    private readonly call: VaultCall,
    private readonly config: VaultConfig,
    private readonly clock: Clock,
  ) {}

  /** A preflight is recorded only when it refuses; its completion carries the request's record. */
  get recordsSuccess(): boolean {
    return this.call.request.stage !== "preflight";
  }

  succeeded(result: unknown): AuditRecord {
    return this.record(successStatus(this.call.op.kind), AUDIT_SUCCESS, result);
  }

  /** `description`: what the caller was not told (VaultError.auditDetail). */
  failed(httpStatus: number, code: string, description?: string): AuditRecord {
    const record = this.record(httpStatus, code, undefined);
    return description === undefined ? record : { ...record, resultDescription: description };
  }

  private record(httpStatus: number, resultCode: string, result: unknown): AuditRecord {
    const { caller, request } = this.call;
    return {
      timeMs: this.clock.now(),
      requestId: request.requestId,
      tenantId: this.config.tenantId,
      vault: this.config.name,
      caller: { objectId: caller.objectId, appId: caller.appId, type: caller.principalType },
      clientIp: request.clientIp,
      operation: request.operation,
      object: this.object(result),
      httpStatus,
      resultCode,
      durationMs: Math.max(0, Date.now() - request.receivedAtMs),
    };
  }

  /** The object the operation addressed; the version it named, or the one it read or created. */
  private object(result: unknown): AuditObject | null {
    const op = this.call.op;
    // Issuers are named too, but they are not vault objects with versions.
    if (!("name" in op) || op.kind.endsWith("Issuer")) return null;
    const kind = op.kind.startsWith("secret.") ? "secret" : op.kind.startsWith("certificate.") ? "certificate" : "key";
    const named = "version" in op && typeof op.version === "string" ? op.version : undefined;
    return { kind, name: op.name, version: named ?? versionIn(result) };
  }
}

/** Views and stored versions carry `version`; soft-delete results carry the latest one. */
function versionIn(result: unknown): string | null {
  if (typeof result !== "object" || result === null) return null;
  const direct = (result as { version?: unknown }).version;
  if (typeof direct === "string" && VERSION_PATTERN.test(direct)) return direct;
  const latest = (result as { latest?: { version?: unknown } }).latest?.version;
  return typeof latest === "string" && VERSION_PATTERN.test(latest) ? latest : null;
}
