import type { ErrorCode } from "./vault-error.ts";

/**
 * The single code → HTTP status mapping. Exhaustive: adding an ErrorCode without a status
 * fails to compile. Statuses follow Azure Key Vault's REST error table
 * (learn.microsoft.com/azure/key-vault/general/rest-error-codes).
 */
const STATUS: { readonly [C in ErrorCode]: number } = {
  BadParameter: 400,
  "Malformed backup blob": 400,
  InvalidRequest: 400,
  VaultNameNotValid: 400,
  InvalidClient: 401,
  Unauthorized: 401,
  Forbidden: 403,
  SecretNotFound: 404,
  KeyNotFound: 404,
  CertificateNotFound: 404,
  CertificateIssuerNotFound: 404,
  PendingCertificateNotFound: 404,
  ContactsNotFound: 404,
  NotFound: 404,
  VaultNotFound: 404,
  TenantNotFound: 404,
  PrincipalNotFound: 404,
  RoleAssignmentNotFound: 404,
  RoleDefinitionNotFound: 404,
  PolicyAssignmentNotFound: 404,
  RoleDefinitionDoesNotExist: 404,
  RoleDefinitionWithSameNameExists: 409,
  RoleDefinitionHasAssignments: 409,
  RoleDefinitionLimitExceeded: 400,
  InvalidActionOrNotAction: 400,
  InvalidDataActionOrNotDataAction: 400,
  MethodNotAllowed: 405,
  Conflict: 409,
  VaultAlreadyExists: 409,
  ConflictError: 409,
  Throttled: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
