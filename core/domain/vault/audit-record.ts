import type { ObjectKind } from "../objects/versioned-object.ts";

/**
 * One audit record: who did what to which object and how it ended (Azure's AuditEvent category,
 * AZKVAuditLogs columns). By construction it has no field that could hold a secret value, key
 * material, a token, plaintext or ciphertext.
 */
export interface AuditRecord {
  /** Unix milliseconds, from the vault's clock. */
  readonly timeMs: number;
  readonly requestId: string;
  readonly tenantId: string;
  readonly vault: string;
  /** Null when the request carried no valid token (401). */
  readonly caller: AuditCaller | null;
  readonly clientIp: string | null;
  /** Azure's operation name, e.g. "SecretGet", "KeySign" (see audit-operations.ts). */
  readonly operation: string;
  readonly object: AuditObject | null;
  readonly httpStatus: number;
  /** "Success", or the error code the caller received (e.g. "Forbidden", "Throttled"). */
  readonly resultCode: string;
  readonly durationMs: number;
  /**
   * Why the request failed, where the caller was told less (AZKVAuditLogs ResultDescription): which check of a key
   * release refused the attestation (docs/key-release.md "Refusals"). Plain words, never a value or token.
   */
  readonly resultDescription?: string;
}

export interface AuditCaller {
  readonly objectId: string;
  readonly appId: string;
  /** "ServicePrincipal", "ManagedIdentity", "Operator" … as the token service knows the principal. */
  readonly type: string;
}

export interface AuditObject {
  readonly kind: ObjectKind;
  readonly name: string;
  /** Null when the request addressed the latest version or the name as a whole. */
  readonly version: string | null;
}

export const AUDIT_SUCCESS = "Success";

/**
 * Who a request without a token is recorded as (published key sets, docs/edge-reads.md): the nil GUID, which no
 * principal has (the token service's ids are random GUIDs), so the audit log can be filtered for it.
 */
export const ANONYMOUS_AUDIT_CALLER: AuditCaller = { objectId: "00000000-0000-0000-0000-000000000000", appId: "00000000-0000-0000-0000-000000000000", type: "Anonymous" };
