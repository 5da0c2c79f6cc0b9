/**
 * The channel's protocol (docs/hsm-channel.md), shared by the vault (the client) and the bridge: one WebSocket
 * (RFC 6455) at CHANNEL_PATH carrying binary messages, each starting with a kind byte.
 *
 * 1. The client opens with OPEN, signed with its existing credentials (HMAC or Ed25519, docs/decisions.md §4.4) over
 *    its key id, a timestamp, a fresh nonce and an ephemeral X25519 public key; the bridge checks it exactly as it
 *    checks a request's headers (±30 s, nonce remembered, not signed before the bridge started).
 * 2. The bridge answers ACCEPT, signed over the client's nonce and public key and its own ephemeral key, so the
 *    answer belongs to this OPEN and to no other.
 * 3. Both derive one HMAC-SHA256 key per direction (channel-keys.ts) from the X25519 secret and both hellos. Every
 *    later message is sealed (sealed-frame.ts) under its direction's key with a sequence number, so a frame cannot
 *    be replayed, reordered, reflected or moved to another channel.
 */
import { PROTOCOL, utf8 } from "../bridge-client/protocol.ts";

/** The bridge's WebSocket endpoint, on the same listener (and TLS/mTLS) as its HTTP endpoints. */
export const CHANNEL_PATH = "/channel";

export const FRAME_KIND = {
  /** Client → bridge, the first message: JSON of OpenHello. */
  open: 0x01,
  /** Bridge → client, answering OPEN: JSON of AcceptHello. */
  accept: 0x02,
  /** Client → bridge, sealed: a batch of operations (operation-codec.ts). */
  batch: 0x10,
  /** Bridge → client, sealed: answers to operations of any earlier batch. */
  answers: 0x11,
  /** Bridge → client, sealed, empty: the bridge is stopping; send nothing more here, pending answers still come. */
  goAway: 0x12,
} as const;

/** A batch holds at most this many operations; more wait for the next frame. */
export const MAX_BATCH_OPERATIONS = 64;
/** A client starts a new frame rather than grow one past this; the bridge accepts messages up to its own limit. */
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Hellos are small; anything larger before authentication is refused. */
export const MAX_HELLO_BYTES = 4096;

/** WebSocket close codes used (RFC 6455 §7.4.1), and the one the bridge sends when it refuses a hello. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
} as const;

export interface OpenHello {
  readonly keyId: string;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly nonce: string;
  /** The client's ephemeral X25519 public key (32 bytes), base64url. */
  readonly publicKey: string;
  readonly signature: string;
}

export interface AcceptHello {
  readonly timestamp: number;
  readonly nonce: string;
  /** The bridge's ephemeral X25519 public key, base64url. */
  readonly publicKey: string;
  readonly signature: string;
}

export function openSigningInput(hello: Omit<OpenHello, "signature">): Uint8Array<ArrayBuffer> {
  return utf8([`${PROTOCOL} channel-open`, hello.keyId, String(hello.timestamp), hello.nonce, hello.publicKey].join("\n"));
}

/** Covers the OPEN it answers (key id, nonce and public key), so it is no answer to any other. */
export function acceptSigningInput(open: OpenHello, accept: Omit<AcceptHello, "signature">): Uint8Array<ArrayBuffer> {
  return utf8(
    [`${PROTOCOL} channel-accept`, open.keyId, String(accept.timestamp), open.nonce, accept.nonce, open.publicKey, accept.publicKey].join("\n"),
  );
}

/** A hello message: its kind byte, then its JSON. */
export function encodeHello(kind: number, hello: OpenHello | AcceptHello): Uint8Array<ArrayBuffer> {
  const json = utf8(JSON.stringify(hello));
  const bytes = new Uint8Array(1 + json.length);
  bytes[0] = kind;
  bytes.set(json, 1);
  return bytes;
}

/** The hello's fields, or undefined for anything not of that kind and shape. */
export function decodeOpen(message: Uint8Array): OpenHello | undefined {
  const fields = helloFields(message, FRAME_KIND.open);
  if (fields === undefined || typeof fields.keyId !== "string") return undefined;
  const { keyId, timestamp, nonce, publicKey, signature } = fields;
  if (typeof timestamp !== "number" || typeof nonce !== "string" || typeof publicKey !== "string" || typeof signature !== "string") {
    return undefined;
  }
  return { keyId, timestamp, nonce, publicKey, signature };
}

export function decodeAccept(message: Uint8Array): AcceptHello | undefined {
  const fields = helloFields(message, FRAME_KIND.accept);
  if (fields === undefined) return undefined;
  const { timestamp, nonce, publicKey, signature } = fields;
  if (typeof timestamp !== "number" || typeof nonce !== "string" || typeof publicKey !== "string" || typeof signature !== "string") {
    return undefined;
  }
  return { timestamp, nonce, publicKey, signature };
}

function helloFields(message: Uint8Array, kind: number): Record<string, unknown> | undefined {
  if (message.length > MAX_HELLO_BYTES || message[0] !== kind) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(message.subarray(1)));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
