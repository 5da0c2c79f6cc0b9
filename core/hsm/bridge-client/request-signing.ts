/**
 * The client's half of the protocol: headers for a signed request, and the check of a signed response.
 * Separate from the client so tests (and other callers) can build requests by hand, tampered ones included.
 */
import { bytesToBase64Url, decodeBase64, UNPADDED_BASE64URL } from "../../crypto/bytes.ts";
import type { BridgeCredentials } from "./credentials.ts";
import {
  HEADER,
  isFreshTimestamp,
  newNonce,
  requestSigningInput,
  responseSigningInput,
  sha256Base64url,
  unixSeconds,
} from "./protocol.ts";

export interface OutgoingRequest {
  readonly method: string;
  /** Path and query as they will appear on the request line. */
  readonly path: string;
  readonly body: Uint8Array<ArrayBuffer>;
  readonly idempotencyKey?: string;
}

export interface SignedRequestHeaders {
  readonly headers: Record<string, string>;
  /** The nonce sent, which the response's signature must cover. */
  readonly nonce: string;
}

export async function signRequest(
  credentials: BridgeCredentials,
  request: OutgoingRequest,
  nowMs: number,
  nonce: string = newNonce(),
): Promise<SignedRequestHeaders> {
  const timestamp = unixSeconds(nowMs);
  const idempotencyKey = request.idempotencyKey ?? "";
  const input = requestSigningInput({
    keyId: credentials.keyId,
    method: request.method,
    path: request.path,
    timestamp,
    nonce,
    idempotencyKey,
    bodySha256: await sha256Base64url(request.body),
  });
  const headers: Record<string, string> = {
    [HEADER.keyId]: credentials.keyId,
    [HEADER.timestamp]: String(timestamp),
    [HEADER.nonce]: nonce,
    [HEADER.signature]: bytesToBase64Url(await credentials.signer.sign(input)),
  };
  if (idempotencyKey !== "") headers[HEADER.idempotencyKey] = idempotencyKey;
  return { headers, nonce };
}

/** Why a response cannot be trusted, or undefined when its signature, timestamp and nonce binding hold. */
export async function responseProblem(
  credentials: BridgeCredentials,
  requestNonce: string,
  status: number,
  header: (name: string) => string | null,
  body: Uint8Array<ArrayBuffer>,
  nowMs: number,
): Promise<string | undefined> {
  const signature = header(HEADER.signature);
  const timestampText = header(HEADER.timestamp);
  if (signature === null || timestampText === null) return `unsigned response (HTTP ${status})`;
  const signatureBytes = decodeBase64(signature, UNPADDED_BASE64URL);
  if (signatureBytes === null) return "malformed response signature";
  const timestamp = Number(timestampText);
  if (!/^\d+$/.test(timestampText) || !isFreshTimestamp(timestamp, unixSeconds(nowMs))) {
    return "response timestamp outside the allowed clock skew";
  }
  const input = responseSigningInput({
    keyId: credentials.keyId,
    status,
    requestNonce,
    timestamp,
    bodySha256: await sha256Base64url(body),
  });
  const valid = await credentials.verifier.verify(input, signatureBytes);
  return valid ? undefined : "response signature does not verify";
}
