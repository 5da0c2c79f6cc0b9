/**
 * PKCS#11 return values (v2.40 §5.1) sorted into the bridge's few error codes. The token's own name for the
 * failure goes to the log as `detail`; callers see only the code and a plain message.
 */
import { BridgeFailure } from "../failure.ts";

/** The token, its sessions or the login are gone or broken: nothing the caller did, try again later. */
const UNAVAILABLE = new Set([
  "CKR_TOKEN_NOT_PRESENT", "CKR_TOKEN_NOT_RECOGNIZED", "CKR_DEVICE_REMOVED", "CKR_DEVICE_ERROR", "CKR_DEVICE_MEMORY",
  "CKR_HOST_MEMORY", "CKR_SESSION_CLOSED", "CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_COUNT", "CKR_USER_NOT_LOGGED_IN",
  "CKR_CRYPTOKI_NOT_INITIALIZED", "CKR_FUNCTION_CANCELED", "CKR_CANT_LOCK", "CKR_PIN_LOCKED", "CKR_PIN_EXPIRED",
  "CKR_SLOT_ID_INVALID", "CKR_RANDOM_NO_RNG", "CKR_PIN_INCORRECT", "CKR_PIN_INVALID", "CKR_PIN_LEN_RANGE",
  "CKR_USER_PIN_NOT_INITIALIZED",
]);

/** The key object vanished between lookup and use (destroyed meanwhile): KeyNotFound, after one fresh lookup. */
export const HANDLE_STALE = new Set([
  "CKR_OBJECT_HANDLE_INVALID", "CKR_KEY_HANDLE_INVALID", "CKR_WRAPPING_KEY_HANDLE_INVALID", "CKR_UNWRAPPING_KEY_HANDLE_INVALID",
]);

/** The request asked for something this key or mechanism cannot do with these inputs. */
const BAD_PARAMETER = new Set([
  "CKR_ARGUMENTS_BAD", "CKR_ATTRIBUTE_VALUE_INVALID", "CKR_ATTRIBUTE_TYPE_INVALID", "CKR_DATA_INVALID",
  "CKR_DATA_LEN_RANGE", "CKR_DOMAIN_PARAMS_INVALID", "CKR_KEY_FUNCTION_NOT_PERMITTED", "CKR_KEY_SIZE_RANGE",
  "CKR_KEY_TYPE_INCONSISTENT", "CKR_MECHANISM_INVALID", "CKR_MECHANISM_PARAM_INVALID", "CKR_TEMPLATE_INCOMPLETE",
  "CKR_TEMPLATE_INCONSISTENT", "CKR_WRAPPING_KEY_SIZE_RANGE", "CKR_WRAPPING_KEY_TYPE_INCONSISTENT",
  "CKR_UNWRAPPING_KEY_SIZE_RANGE", "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT", "CKR_KEY_NOT_WRAPPABLE",
  "CKR_PUBLIC_KEY_INVALID", "CKR_ENCRYPTED_DATA_INVALID", "CKR_ENCRYPTED_DATA_LEN_RANGE", "CKR_WRAPPED_KEY_INVALID",
  "CKR_WRAPPED_KEY_LEN_RANGE",
]);

/** The CKR_* name of a pkcs11js error, or undefined for anything else (a TypeError from bad arguments, say). */
export function ckrName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /CKR_[A-Z0-9_]+/.exec(error.message);
  return match?.[0];
}

/** The CKR_* name behind an error, whether raw from pkcs11js or already mapped to a BridgeFailure. */
export function ckrOf(error: unknown): string | undefined {
  return error instanceof BridgeFailure ? error.ckr : ckrName(error);
}

/** Maps a thrown PKCS#11 error to the bridge's failure; `what` names the operation for the log. */
export function failureFromPkcs11(error: unknown, what: string): BridgeFailure {
  if (error instanceof BridgeFailure) return error;
  const name = ckrName(error);
  const detail = `${what}: ${name ?? (error instanceof Error ? error.message : String(error))}`;
  if (name === undefined) return new BridgeFailure("InternalError", "internal error", detail, "(not a CKR)");
  if (HANDLE_STALE.has(name)) return new BridgeFailure("KeyNotFound", "key not found", detail, name);
  if (UNAVAILABLE.has(name)) return new BridgeFailure("Unavailable", "HSM token unavailable", detail, name);
  if (BAD_PARAMETER.has(name)) return new BridgeFailure("BadParameter", `${what} refused by the token`, detail, name);
  return new BridgeFailure("InternalError", "internal error", detail, name);
}
