/**
 * The one error type of the edge vault. Durable Objects return errors as values
 * ({@link ErrorValue}) because Cloudflare RPC keeps only an exception's name and message;
 * the Worker turns them back into VaultError and maps them to the wire in one place
 * (./to-response.ts).
 */
export type ErrorCode =
  | "BadParameter"
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
  | "VaultNameNotValid"
  | "TenantNotFound"
  | "PrincipalNotFound"
  | "RoleAssignmentNotFound"
  | "InvalidClient"
  | "InvalidRequest"
  | "InternalError"
  | "ServiceUnavailable";

/** Innererror codes Azure uses beneath Forbidden/Conflict. */
export type InnerCode =
  | "ForbiddenByRbac"
  | "SecretDisabled"
  | "ObjectIsDeletedButRecoverable"
  | "ObjectIsBeingDeleted"
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
