import type { BridgeErrorCode } from "./types.ts";

/**
 * Codes the client adds to the bridge's own: it could not reach the bridge (refused, reset, timed out), or an
 * answer came back that it cannot trust (unsigned, badly signed, stale, malformed). The vault answers both with
 * 503 and Retry-After for HSM keys, like the bridge's own `Unavailable` (docs/decisions.md §4.6).
 */
export type ClientErrorCode = "BridgeUnreachable" | "BadResponse";

/** One error type for every failed call; `code` tells what happened, `status` is the HTTP status if one came. */
export class BridgeError extends Error {
  override readonly name = "BridgeError";

  constructor(
    readonly code: BridgeErrorCode | ClientErrorCode,
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }

  /** The bridge or its token is (perhaps briefly) unavailable: try again later, not with other input. */
  get retryable(): boolean {
    return this.code === "Unavailable" || this.code === "BridgeUnreachable" || this.code === "BadResponse" ||
      this.code === "IdempotencyKeyInFlight";
  }
}
