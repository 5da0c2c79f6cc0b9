/**
 * The two ways a request or response is signed (docs/decisions.md §4.4): HMAC-SHA256 with a secret both sides hold, or
 * Ed25519 with a key pair per direction (the vault signs requests with its private key, the bridge answers with
 * its own). WebCrypto only, so the same code runs in workerd and in the bridge.
 */
export interface Signer {
  sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>>;
}

export interface Verifier {
  /** Never throws for a wrong or malformed signature: false. */
  verify(data: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

/** RFC 2104 §3: a key shorter than the hash output weakens HMAC; 32 bytes matches SHA-256. */
export const MIN_HMAC_SECRET_BYTES = 32;
const ED25519_PUBLIC_KEY_BYTES = 32;

export type HmacKey = Signer & Verifier;

export async function hmacSha256Key(secret: Uint8Array<ArrayBuffer>): Promise<HmacKey> {
  if (secret.length < MIN_HMAC_SECRET_BYTES) {
    throw new RangeError(`an HMAC secret needs at least ${MIN_HMAC_SECRET_BYTES} bytes`);
  }
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  return {
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
    },
    // subtle.verify compares in constant time; a hand-written equality check might not.
    async verify(data, signature) {
      return crypto.subtle.verify("HMAC", key, signature, data);
    },
  };
}

/** `pkcs8`: the DER PrivateKeyInfo (RFC 8410 §7) of an Ed25519 key. */
export async function ed25519Signer(pkcs8: Uint8Array<ArrayBuffer>): Promise<Signer> {
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  return {
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign("Ed25519", key, data));
    },
  };
}

/** `raw`: the 32-byte public key (RFC 8032 §5.1.5). */
export async function ed25519Verifier(raw: Uint8Array<ArrayBuffer>): Promise<Verifier> {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new RangeError("an Ed25519 public key is 32 bytes");
  const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  return {
    async verify(data, signature) {
      try {
        return await crypto.subtle.verify("Ed25519", key, signature, data);
      } catch {
        return false;
      }
    },
  };
}
