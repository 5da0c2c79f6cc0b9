/**
 * The bridge's check of a channel's OPEN (core/hsm/channel/channel-protocol.ts), the same checks in the same order
 * as a request's headers (http/authenticate.ts): known key id and well-formed fields, timestamp within ±30 s and
 * not before the request memory began, the signature, and only then the nonce — remembered in the one memory that
 * also holds the HTTP requests' nonces, so an OPEN cannot be replayed on any worker, nor as a request.
 */
import { decodeBase64, UNPADDED_BASE64URL } from "../../../core/crypto/bytes.ts";
import { isFreshTimestamp, NONCE_PATTERN, unixSeconds } from "../../../core/hsm/bridge-client/protocol.ts";
import { openSigningInput, type OpenHello } from "../../../core/hsm/channel/channel-protocol.ts";
import { X25519_PUBLIC_KEY_BYTES } from "../../../core/hsm/channel/channel-keys.ts";
import { BridgeFailure } from "../failure.ts";
import type { ClientAuth } from "../http/authenticate.ts";
import type { RequestMemory } from "../http/request-memory.ts";

export interface VerifiedOpen {
  readonly client: ClientAuth;
  readonly peerPublicKey: Uint8Array<ArrayBuffer>;
}

export async function checkOpen(
  open: OpenHello,
  clients: ReadonlyMap<string, ClientAuth>,
  memory: RequestMemory,
  nowMs: number,
): Promise<VerifiedOpen> {
  const client = clients.get(open.keyId);
  const signature = open.signature.length > 256 ? null : decodeBase64(open.signature, UNPADDED_BASE64URL);
  const peerPublicKey = decodeBase64(open.publicKey, UNPADDED_BASE64URL);
  if (client === undefined || !NONCE_PATTERN.test(open.nonce)) throw unauthorized("unknown key id or malformed nonce");
  if (signature === null || peerPublicKey === null || peerPublicKey.length !== X25519_PUBLIC_KEY_BYTES) {
    throw unauthorized("malformed signature or public key");
  }
  const nowSeconds = unixSeconds(nowMs);
  if (!isFreshTimestamp(open.timestamp, nowSeconds)) throw unauthorized("timestamp outside the allowed clock skew");
  if (open.timestamp < memory.startedAt) throw unauthorized("signed before the bridge started");
  const { signature: _, ...signed } = open;
  if (!(await client.requestVerifier.verify(openSigningInput(signed), signature))) throw unauthorized("signature does not verify");
  if (!(await memory.rememberNonce(client.id, open.nonce, open.timestamp, nowSeconds))) throw unauthorized("nonce already used");
  return { client, peerPublicKey };
}

function unauthorized(message: string): BridgeFailure {
  return new BridgeFailure("Unauthorized", message);
}
