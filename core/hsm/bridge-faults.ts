import { BridgeError } from "./bridge-client/index.ts";
import { VaultError } from "../errors/vault-error.ts";
import { base64UrlToBytes } from "../crypto/bytes.ts";
import { DecryptionFailed } from "../crypto/encrypt/decryption-failed.ts";

/** How long a caller should wait before retrying an HSM operation the bridge could not serve. */
export const HSM_RETRY_AFTER_SECONDS = 5;

export const HSM_UNAVAILABLE_MESSAGE = "The HSM is temporarily unavailable; retry the request later.";

/**
 * The one mapping of bridge failures to the vault's errors (docs/decisions.md §4.6). Down, slow, refusing
 * our signature or answering with something unverifiable: 503 with Retry-After, for HSM keys only — software
 * keys never reach this code. A bad parameter is the caller's; a token that lost a key version is ours (500).
 */
export function vaultErrorOfBridge(error: unknown): unknown {
  if (!(error instanceof BridgeError)) return error;
  if (error.retryable || error.code === "Unauthorized") {
    return new VaultError("ServiceUnavailable", HSM_UNAVAILABLE_MESSAGE, undefined, HSM_RETRY_AFTER_SECONDS);
  }
  switch (error.code) {
    case "BadParameter":
      return new VaultError("BadParameter", `The HSM refused the request: ${error.message}`);
    case "KeyNotFound":
      return new VaultError("InternalError", "The HSM no longer holds this key version's material.");
    default:
      return new VaultError("InternalError", "The HSM bridge failed to perform the operation.");
  }
}

/**
 * Decrypt and unwrap answer one generic failure for anything the caller could have caused (no padding oracle,
 * docs/decisions.md §6.4); an unavailable HSM is still 503 so clients retry rather than give up on good ciphertext.
 */
export function decryptionErrorOfBridge(error: unknown): unknown {
  if (error instanceof BridgeError && error.code === "BadParameter") return new DecryptionFailed();
  return vaultErrorOfBridge(error);
}

/** A binary field of a bridge answer. The bridge signs its answers, so a malformed one is its fault, not the caller's. */
export function bridgeBytes(value: string): Uint8Array<ArrayBuffer> {
  const bytes = base64UrlToBytes(value);
  if (bytes === null) throw new VaultError("InternalError", "The HSM bridge answered with a malformed value.");
  return bytes;
}
