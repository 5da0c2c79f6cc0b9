import { bytesToBase64Url } from "../crypto/bytes.ts";
import type { DataKeyLayer } from "../crypto/envelope/data-key.ts";
import { bridgeBytes } from "./bridge-faults.ts";
import type { HsmBridge } from "./hsm-bridge.ts";

/**
 * A vault's data key wrapped by an AES-256 key in the HSM with A256KW (RFC 3394): the token key never leaves the
 * HSM, so opening a premium vault that asked for it needs the bridge as well as the root key. A bridge that is
 * down makes such a vault answer 503 until it is back (hsm-bridge.ts), software keys and secrets included.
 */
export function hsmDataKeyLayer(bridge: HsmBridge, hsmKeyId: string): DataKeyLayer {
  return {
    wrap: async (raw) => bridgeBytes((await bridge.call((c) => c.wrap(hsmKeyId, { alg: "A256KW", key: bytesToBase64Url(raw) }))).wrapped),
    unwrap: async (wrapped) => bridgeBytes((await bridge.call((c) => c.unwrap(hsmKeyId, { alg: "A256KW", wrapped: bytesToBase64Url(wrapped) }))).key),
  };
}
