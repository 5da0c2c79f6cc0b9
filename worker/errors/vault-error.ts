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
  | "InternalError";

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
  | "KeyNotYetValid";

export interface ErrorValue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly inner?: InnerCode;
}

export class VaultError extends Error {
  readonly code: ErrorCode;
  readonly inner: InnerCode | undefined;

  constructor(code: ErrorCode, message: string, inner?: InnerCode) {
    super(message);
    this.name = "VaultError";
    this.code = code;
    this.inner = inner;
  }

  static from(value: ErrorValue): VaultError {
    return new VaultError(value.code, value.message, value.inner);
  }

  toValue(): ErrorValue {
    return this.inner === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, inner: this.inner };
  }
}

export const badParameter = (message: string): VaultError => new VaultError("BadParameter", message);
