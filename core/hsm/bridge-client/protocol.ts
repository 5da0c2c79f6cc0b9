/**
 * The bridge's authentication protocol, shared by the bridge (which verifies requests and signs responses) and the
 * client (which does the reverse), so both build the signed strings from one definition.
 *
 * Every request carries a signature over method, path, timestamp, nonce, idempotency key and the SHA-256 of the
 * body (docs/decisions.md §4.4); the bridge refuses timestamps more than 30 s away and nonces it has seen within that
 * window. Every response is signed over its status, its body's hash, its own timestamp and the REQUEST's nonce:
 * the nonce binds an answer to the one request it answers, so a recorded response cannot be replayed to another.
 * The first line names the direction, so a request signature can never pass for a response one under a shared
 * HMAC secret.
 */
import { bytesToBase64Url } from "../../crypto/bytes.ts";

export const PROTOCOL = "hsm-bridge-v1";

export const HEADER = {
  keyId: "x-hsm-bridge-key-id",
  timestamp: "x-hsm-bridge-timestamp",
  nonce: "x-hsm-bridge-nonce",
  signature: "x-hsm-bridge-signature",
  /** draft-ietf-httpapi-idempotency-key-header: a repeated key with the same request gets the first answer. */
  idempotencyKey: "idempotency-key",
} as const;

/** ±30 s between the signer's clock and the verifier's (docs/decisions.md §4.4). */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/** 16 random bytes as base64url are 22 characters; more is allowed, up to 64, for other clients' nonces. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** Key ids and idempotency keys go into a newline-separated string, so they must never contain a newline. */
export const TOKEN_PATTERN = /^[\x21-\x7e]{1,128}$/;

export interface RequestSigningFields {
  readonly keyId: string;
  readonly method: string;
  /** Path and query exactly as sent on the request line (`/keys/abc/sign`). */
  readonly path: string;
  readonly timestamp: number;
  readonly nonce: string;
  /** Empty when the request carries none. */
  readonly idempotencyKey: string;
  /** base64url of SHA-256 over the body bytes (SHA-256 of nothing for an empty body). */
  readonly bodySha256: string;
}

export interface ResponseSigningFields {
  readonly keyId: string;
  readonly status: number;
  readonly requestNonce: string;
  readonly timestamp: number;
  readonly bodySha256: string;
}

export function requestSigningInput(fields: RequestSigningFields): Uint8Array<ArrayBuffer> {
  return utf8(
    [
      `${PROTOCOL} request`,
      fields.keyId,
      fields.method.toUpperCase(),
      fields.path,
      String(fields.timestamp),
      fields.nonce,
      fields.idempotencyKey,
      fields.bodySha256,
    ].join("\n"),
  );
}

export function responseSigningInput(fields: ResponseSigningFields): Uint8Array<ArrayBuffer> {
  return utf8(
    [
      `${PROTOCOL} response`,
      fields.keyId,
      String(fields.status),
      fields.requestNonce,
      String(fields.timestamp),
      fields.bodySha256,
    ].join("\n"),
  );
}

export async function sha256Base64url(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

/** Whole seconds since the epoch: the protocol's timestamps. */
export function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

export function isFreshTimestamp(timestamp: number, nowSeconds: number): boolean {
  return Number.isSafeInteger(timestamp) && Math.abs(nowSeconds - timestamp) <= MAX_CLOCK_SKEW_SECONDS;
}

export function newNonce(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Copied into a fresh Uint8Array: workers-types type encode()'s result as possibly shared-buffer-backed. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new TextEncoder().encode(text));
}
