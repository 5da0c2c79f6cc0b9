/**
 * The bridge's one error type and its one mapping to HTTP (docs/decisions.md §6.1): every failure becomes
 * `{"error":{"code","message"}}` with the status below. `detail` is for the log only and never leaves the bridge.
 */
import type { BridgeErrorCode } from "../../core/hsm/bridge-client/types.ts";

export const STATUS_OF: Readonly<Record<BridgeErrorCode, number>> = {
  Unauthorized: 401,
  BadParameter: 400,
  KeyNotFound: 404,
  NotFound: 404,
  MethodNotAllowed: 405,
  PayloadTooLarge: 413,
  // draft-ietf-httpapi-idempotency-key-header §2.7: same key, other request → 422; still running → 409.
  IdempotencyKeyReused: 422,
  IdempotencyKeyInFlight: 409,
  Unavailable: 503,
  InternalError: 500,
};

export class BridgeFailure extends Error {
  override readonly name = "BridgeFailure";

  constructor(
    readonly code: BridgeErrorCode,
    message: string,
    readonly detail?: string,
    /** The CKR_* name when the token raised it: the session may then be mid-operation (pkcs11/session-pool.ts). */
    readonly ckr?: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

export function badParameter(message: string): BridgeFailure {
  return new BridgeFailure("BadParameter", message);
}

/**
 * Decryption and unwrapping answer every failure alike — bad padding, bad tag, wrong length — so the bridge is no
 * padding oracle (Bleichenbacher 1998; Manger 2001 for OAEP). docs/decisions.md §6.4.
 */
export const DECRYPTION_FAILED = "decryption failed";
