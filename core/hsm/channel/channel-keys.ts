/**
 * The channel's keys (docs/hsm-channel.md): each side makes an ephemeral X25519 key pair (RFC 7748) per channel, and
 * both derive one HMAC-SHA256 key per direction with HKDF-SHA256 (RFC 5869) from the shared secret, salted with the
 * SHA-256 of the two hello messages as sent. Ephemeral keys give each channel keys of its own (a recorded channel
 * teaches nothing about another) whichever credentials signed the hellos. WebCrypto only: workerd and Node alike.
 */
import { bytesToBase64Url } from "../../crypto/bytes.ts";
import { PROTOCOL, utf8 } from "../bridge-client/protocol.ts";

export const X25519_PUBLIC_KEY_BYTES = 32;
/** HKDF `info` per direction (RFC 5869 §3.2): the two keys differ even though both come from one secret. */
export const KEY_LABELS = {
  toBridge: utf8(`${PROTOCOL} channel client-to-bridge`),
  toClient: utf8(`${PROTOCOL} channel bridge-to-client`),
} as const;

/** SHA-256 over both hellos as sent: the HKDF salt that binds the keys to this one exchange. */
export async function transcriptHash(open: Uint8Array<ArrayBuffer>, accept: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const both = new Uint8Array(open.length + accept.length);
  both.set(open);
  both.set(accept, open.length);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", both));
}

export interface DirectionKeys {
  /** Raw 32-byte HMAC-SHA256 keys. */
  readonly toBridge: Uint8Array<ArrayBuffer>;
  readonly toClient: Uint8Array<ArrayBuffer>;
}

/** HKDF-SHA256 of the X25519 shared secret, one 32-byte key per direction (WebCrypto: workerd and Node alike). */
export async function directionKeys(shared: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>): Promise<DirectionKeys> {
  const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveBits"]);
  const derive = async (info: Uint8Array<ArrayBuffer>) =>
    new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, ikm, 256));
  return { toBridge: await derive(KEY_LABELS.toBridge), toClient: await derive(KEY_LABELS.toClient) };
}

/** The private half, typed from the API itself: workerd's and Node's type declarations name CryptoKey apart. */
export type EphemeralPrivateKey = Parameters<typeof crypto.subtle.deriveBits>[1];

/** A fresh X25519 key pair and its public key as sent (RFC 7748 §6.1). */
export async function ephemeralKeyPair(): Promise<{ readonly privateKey: EphemeralPrivateKey; readonly publicKey: string }> {
  const pair = await crypto.subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
  if (!("privateKey" in pair)) throw new TypeError("X25519 generateKey returned no key pair");
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { privateKey: pair.privateKey, publicKey: bytesToBase64Url(raw) };
}

/** The X25519 shared secret with the peer's public key; undefined for a malformed key or an all-zero result. */
export async function sharedSecret(privateKey: EphemeralPrivateKey, peerPublicKey: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (peerPublicKey.length !== X25519_PUBLIC_KEY_BYTES) return undefined;
  try {
    const peer = await crypto.subtle.importKey("raw", peerPublicKey, { name: "X25519" }, false, []);
    // Not an object literal: workers-types spell the member `$public`, Node's and WebCrypto's `public`.
    const algorithm = { name: "X25519", public: peer };
    const bits = new Uint8Array(await crypto.subtle.deriveBits(algorithm, privateKey, 256));
    // RFC 7748 §6.1: a low-order peer key gives all zeros; refuse it.
    return bits.some((byte) => byte !== 0) ? bits : undefined;
  } catch {
    return undefined;
  }
}
