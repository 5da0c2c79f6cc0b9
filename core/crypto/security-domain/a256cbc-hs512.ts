/**
 * AES_256_CBC_HMAC_SHA_512, the JWE `enc` "A256CBC-HS512" (RFC 7518 §5.2.2, §5.2.5), on WebCrypto:
 * a 64-byte key, MAC_KEY = its first 32 bytes, ENC_KEY = its last 32; AES-256-CBC with PKCS#7
 * (WebCrypto's AES-CBC pads exactly so, RFC 5652 §6.3); T = the first 32 bytes of
 * HMAC-SHA-512(MAC_KEY, A ‖ IV ‖ E ‖ AL), AL = the bit length of A as a 64-bit big-endian integer.
 *
 * Decryption insists on a 16-byte IV and a 32-byte tag and checks the tag, in constant time, before it
 * decrypts anything. Azure's clients skip the check when the tag is not 32 bytes long
 * (docs/security-domain-format.md §2); that would accept an empty tag, so we do not follow them.
 */
import { concatBytes, timingSafeEqual } from "../bytes.ts";
import { toArrayBuffer } from "../x509/der.ts";

export const CBC_HS512_KEY_BYTES = 64;
export const CBC_IV_BYTES = 16;
export const CBC_HS512_TAG_BYTES = 32;
const AES_BLOCK_BYTES = 16;
const HALF = CBC_HS512_KEY_BYTES / 2;

export interface CbcHs512Sealed {
  readonly ciphertext: Uint8Array<ArrayBuffer>;
  readonly tag: Uint8Array<ArrayBuffer>;
}

/** An internal failure of authenticated decryption; callers turn it into their own generic error. */
export class IntegrityError extends Error {
  constructor() {
    super("authenticated decryption failed");
    this.name = "IntegrityError";
  }
}

function assertKey(key: Uint8Array): void {
  if (key.length !== CBC_HS512_KEY_BYTES) throw new IntegrityError();
}

/** The 64-bit big-endian bit length of the AAD (RFC 7518 §5.2.2.1 step 4, "AL"). */
function aadBitLength(aad: Uint8Array): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(aad.length) * 8n, false);
  return out;
}

async function authenticationTag(key: Uint8Array, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const macKey = await crypto.subtle.importKey("raw", toArrayBuffer(key.subarray(0, HALF)), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", macKey, concatBytes(aad, iv, ciphertext, aadBitLength(aad)));
  return new Uint8Array(mac.slice(0, CBC_HS512_TAG_BYTES));
}

function aesKey(key: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", toArrayBuffer(key.subarray(HALF)), { name: "AES-CBC" }, false, [usage]);
}

export async function encryptCbcHs512(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<CbcHs512Sealed> {
  assertKey(key);
  if (iv.length !== CBC_IV_BYTES) throw new Error("A256CBC-HS512 needs a 16-byte IV");
  const encrypted = await crypto.subtle.encrypt({ name: "AES-CBC", iv: toArrayBuffer(iv) }, await aesKey(key, "encrypt"), toArrayBuffer(plaintext));
  const ciphertext = new Uint8Array(encrypted);
  return { ciphertext, tag: await authenticationTag(key, aad, iv, ciphertext) };
}

/** The plaintext, or IntegrityError for any malformed or unauthenticated input (one error for all). */
export async function decryptCbcHs512(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  assertKey(key);
  const shaped =
    iv.length === CBC_IV_BYTES &&
    tag.length === CBC_HS512_TAG_BYTES &&
    ciphertext.length > 0 &&
    ciphertext.length % AES_BLOCK_BYTES === 0;
  if (!shaped) throw new IntegrityError();
  // RFC 7518 §5.2.2.2 step 3: the tag first; no CBC decryption (and no padding check) before it passes.
  if (!timingSafeEqual(await authenticationTag(key, aad, iv, ciphertext), tag)) throw new IntegrityError();
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv: toArrayBuffer(iv) }, await aesKey(key, "decrypt"), toArrayBuffer(ciphertext)));
  } catch {
    // Authentic but badly padded: only the holder of the key could have made it; still one error.
    throw new IntegrityError();
  }
}
