/**
 * The one error type of the edge vault. Durable Objects return errors as values
 * ({@link ErrorValue}) because Cloudflare RPC keeps only an exception's name and message;
 * the Worker turns them back into VaultError and maps them to the wire in one place
 * (./to-response.ts).
 */
export type ErrorCode =
  | "BadParameter"
  /** Azure's code for a restore of a blob it cannot read, spaces included (docs/wire-reference.md). */
  | "Malformed backup blob"
  | "Unauthorized"
  | "Forbidden"
  | "SecretNotFound"
  | "KeyNotFound"
  | "CertificateNotFound"
  | "CertificateIssuerNotFound"
  | "PendingCertificateNotFound"
  | "ContactsNotFound"
  | "Conflict"
  | "NotFound"
  | "MethodNotAllowed"
  | "Throttled"
  | "VaultNotFound"
  | "VaultAlreadyExists"
  /** ARM's 409 for a name held by a soft-deleted vault (docs/access-control.md "Vault soft delete"). */
  | "ConflictError"
  | "VaultNameNotValid"
  | "TenantNotFound"
  | "PrincipalNotFound"
  | "RoleAssignmentNotFound"
  /** A managed HSM's role definition that is neither built in nor one of its custom roles. */
  | "RoleDefinitionNotFound"
  /** Azure Policy's code for a policy assignment that does not exist (issue 17, docs/vault-policies.md). */
  | "PolicyAssignmentNotFound"
  /**
   * ARM's codes for a tenant's custom role definitions (learn.microsoft.com/azure/role-based-access-control/
   * troubleshoot-limits, custom-roles): a roleName already taken, a definition still assigned, the tenant's limit, and
   * an action or data action that names no operation of the provider.
   */
  | "RoleDefinitionDoesNotExist"
  | "RoleDefinitionWithSameNameExists"
  | "RoleDefinitionHasAssignments"
  | "RoleDefinitionLimitExceeded"
  | "InvalidActionOrNotAction"
  | "InvalidDataActionOrNotDataAction"
  | "InvalidClient"
  | "InvalidRequest"
  | "InternalError"
  | "ServiceUnavailable";

/** Innererror codes Azure uses beneath Forbidden/Conflict. */
export type InnerCode =
  | "ForbiddenByRbac"
  | "ForbiddenByFirewall"
  /** A vault policy assignment with the Deny effect refused the write (docs/vault-policies.md). */
  | "ForbiddenByPolicy"
  | "AccessDenied"
  | "SecretDisabled"
  | "ObjectIsDeletedButRecoverable"
  | "ObjectIsBeingDeleted"
  | "ObjectIsBeingRecovered"
  | "SecretTooLarge"
  | "KeyDisabled"
  | "KeyOperationForbidden"
  | "KeyExpired"
  | "KeyNotYetValid"
  | "SecretManagedByKeyVault"
  | "KeyManagedByKeyVault";

export interface ErrorValue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly inner?: InnerCode;
  /** Throttled only: whole seconds until the request would be admitted (sent as Retry-After). */
  readonly retryAfterSeconds?: number;
}

export class VaultError extends Error {
  readonly code: ErrorCode;
  readonly inner: InnerCode | undefined;
  readonly retryAfterSeconds: number | undefined;
  /**
   * For the audit record only (AuditRecord.resultDescription): why, where the caller must not learn it (a key release
   * refused for one of several checks). Never part of toValue(), so it never leaves the vault object.
   */
  auditDetail: string | undefined;

  constructor(code: ErrorCode, message: string, inner?: InnerCode, retryAfterSeconds?: number) {
    super(message);
    this.name = "VaultError";
    this.code = code;
    this.inner = inner;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static from(value: ErrorValue): VaultError {
    return new VaultError(value.code, value.message, value.inner, value.retryAfterSeconds);
  }

  toValue(): ErrorValue {
    return {
      code: this.code,
      message: this.message,
      ...(this.inner === undefined ? {} : { inner: this.inner }),
      ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
    };
  }
}

export const badParameter = (message: string): VaultError => new VaultError("BadParameter", message);

/**
 * A restore of a blob that is not a backup of this tenant and kind: Azure's 400 for secrets, keys and certificates
 * alike (recorded "malformed backup bytes" restores; the JS SDKs' tests compare the message).
 */
export const malformedBackupBlob = (): VaultError => new VaultError("Malformed backup blob", "Backup blob contains invalid or corrupt version.");
