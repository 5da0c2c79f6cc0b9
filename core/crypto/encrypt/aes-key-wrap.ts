/**
 * AES key wrap for wrapKey/unwrapKey.
 * - A128KW / A192KW / A256KW / CKM_AES_KEY_WRAP: RFC 3394 through WebCrypto AES-KW (docs/decisions.md §3.2).
 *   WebCrypto wraps only CryptoKeys, so the key bytes travel as an extractable HMAC key, the one
 *   WebCrypto type that takes raw material of any length.
 * - CKM_AES_KEY_WRAP_PAD: RFC 5649, built here. WebCrypto's AES-KW insists on the RFC 3394 IV, so the
 *   wrapping rounds (RFC 3394 §2.2.1/§2.2.2, index form) run over single AES blocks taken from
 *   `node:crypto` `aes-N-ecb` with padding off, which workerd provides under `nodejs_compat`.
 * Unwrap failures of every kind (length, integrity value, length indicator, padding) are the one
 * DecryptionFailed; the checks fold into one flag with no early exit.
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from "node:crypto";
import { VaultError } from "../../errors/vault-error.ts";
import { concatBytes } from "../bytes.ts";
import type { AesKey } from "./aes-key.ts";
import { DecryptionFailed, orDecryptionFailed } from "./decryption-failed.ts";
import {
  AES_BLOCK_BYTES,
  ENCRYPTION_ALGORITHMS,
  KW_SEMIBLOCK_BYTES,
  assertBlockMultiple,
  assertKeySize,
} from "./encryption-algorithms.ts";

export type AesKeyWrapAlgorithm = "A128KW" | "A192KW" | "A256KW" | "CKM_AES_KEY_WRAP" | "CKM_AES_KEY_WRAP_PAD";

const S = KW_SEMIBLOCK_BYTES;
/** RFC 5649 §3: the alternative initial value's constant half. */
const AIV_PREFIX = [0xa6, 0x59, 0x59, 0xa6] as const;
/** RFC 3394 §2.2.1 needs n ≥ 2 semiblocks; SP 800-38F §6.2 also refuses to KW-wrap a single one. */
const KW_MIN_KEY_BYTES = 2 * S;
const RAW_HOLDER: SubtleCryptoImportKeyAlgorithm = { name: "HMAC", hash: "SHA-256" };

export async function aesKeyWrap(alg: AesKeyWrapAlgorithm, key: AesKey, keyToWrap: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  assertKeySize(alg, key.bytes.length);
  if (ENCRYPTION_ALGORITHMS[alg].padded) {
    if (keyToWrap.length === 0) throw new VaultError("BadParameter", "The key to wrap must not be empty.");
    return kwpWrap(key, keyToWrap);
  }
  assertBlockMultiple(keyToWrap, S, "key to wrap", KW_MIN_KEY_BYTES);
  const holder = await crypto.subtle.importKey("raw", new Uint8Array(keyToWrap), RAW_HOLDER, true, ["sign"]);
  return new Uint8Array(await crypto.subtle.wrapKey("raw", holder, await key.cryptoKey("AES-KW"), "AES-KW"));
}

export async function aesKeyUnwrap(alg: AesKeyWrapAlgorithm, key: AesKey, wrapped: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  assertKeySize(alg, key.bytes.length);
  if (ENCRYPTION_ALGORITHMS[alg].padded) return kwpUnwrap(key, wrapped);
  if (wrapped.length < KW_MIN_KEY_BYTES + S || wrapped.length % S !== 0) throw new DecryptionFailed();
  const kek = await key.cryptoKey("AES-KW");
  return await orDecryptionFailed(async () => {
    const holder = await crypto.subtle.unwrapKey("raw", new Uint8Array(wrapped), kek, "AES-KW", RAW_HOLDER, true, ["sign"]);
    const raw = await crypto.subtle.exportKey("raw", holder);
    if (!(raw instanceof ArrayBuffer)) throw new DecryptionFailed();
    return new Uint8Array(raw);
  });
}

/** One AES block through a cipher object made once per operation (ECB with padding off keeps no state). */
function blockFunction(op: Cipher | Decipher): (block: Uint8Array) => Uint8Array<ArrayBuffer> {
  op.setAutoPadding(false);
  return (block) => new Uint8Array(op.update(block));
}
const ecb = (key: AesKey): string => `aes-${key.bits}-ecb`;
const NO_IV = new Uint8Array(0);

/** A ^= t, t as a 64-bit big-endian integer (RFC 3394 §2.2.1 step 2, `A = MSB(64, B) ^ t`). */
function xorCounter(a: Uint8Array, t: number): void {
  const high = Math.floor(t / 0x1_0000_0000);
  const low = t >>> 0;
  for (let i = 0; i < 4; i++) {
    a[3 - i] = (a[3 - i] ?? 0) ^ ((high >>> (8 * i)) & 0xff);
    a[7 - i] = (a[7 - i] ?? 0) ^ ((low >>> (8 * i)) & 0xff);
  }
}

/** RFC 3394 §2.2.1 (index form) with an arbitrary initial value; `plain` is n ≥ 2 semiblocks. */
function wrapRounds(encrypt: (block: Uint8Array) => Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = plain.length / S;
  const a = new Uint8Array(iv);
  const r = new Uint8Array(plain);
  const b = new Uint8Array(AES_BLOCK_BYTES);
  for (let j = 0; j <= 5; j++) {
    for (let i = 1; i <= n; i++) {
      b.set(a, 0);
      b.set(r.subarray((i - 1) * S, i * S), S);
      const out = encrypt(b);
      a.set(out.subarray(0, S));
      xorCounter(a, n * j + i);
      r.set(out.subarray(S, 2 * S), (i - 1) * S);
    }
  }
  return concatBytes(a, r);
}

/** RFC 3394 §2.2.2 steps 1–2 (index form): returns A and the n semiblocks; the caller checks A. */
function unwrapRounds(decrypt: (block: Uint8Array) => Uint8Array, wrapped: Uint8Array): { a: Uint8Array; r: Uint8Array } {
  const n = wrapped.length / S - 1;
  const a = wrapped.slice(0, S);
  const r = wrapped.slice(S);
  const b = new Uint8Array(AES_BLOCK_BYTES);
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      xorCounter(a, n * j + i);
      b.set(a, 0);
      b.set(r.subarray((i - 1) * S, i * S), S);
      const out = decrypt(b);
      a.set(out.subarray(0, S));
      r.set(out.subarray(S, 2 * S), (i - 1) * S);
    }
  }
  return { a, r };
}

/** RFC 5649 §4.1: AIV = A65959A6 ‖ MLI; zero-pad to semiblocks; one AES block if that is all there is. */
function kwpWrap(key: AesKey, keyToWrap: Uint8Array): Uint8Array<ArrayBuffer> {
  const mli = keyToWrap.length;
  const padded = new Uint8Array(Math.ceil(mli / S) * S);
  padded.set(keyToWrap);
  const aiv = new Uint8Array(S);
  aiv.set(AIV_PREFIX);
  new DataView(aiv.buffer).setUint32(4, mli);
  const encrypt = blockFunction(createCipheriv(ecb(key), key.bytes, NO_IV));
  if (padded.length === S) return encrypt(concatBytes(aiv, padded));
  return wrapRounds(encrypt, aiv, padded);
}

/** RFC 5649 §4.2 and §3: recover A and P, then check prefix, 8(n−1) < MLI ≤ 8n and the zero padding. */
function kwpUnwrap(key: AesKey, wrapped: Uint8Array): Uint8Array<ArrayBuffer> {
  if (wrapped.length < 2 * S || wrapped.length % S !== 0) throw new DecryptionFailed();
  const n = wrapped.length / S - 1;
  const decrypt = blockFunction(createDecipheriv(ecb(key), key.bytes, NO_IV));
  let a: Uint8Array;
  let p: Uint8Array;
  if (n === 1) {
    const block = decrypt(wrapped); // already a copy
    a = block.slice(0, S);
    p = block.slice(S, 2 * S);
  } else {
    ({ a, r: p } = unwrapRounds(decrypt, wrapped));
  }
  let bad = 0;
  for (let i = 0; i < AIV_PREFIX.length; i++) bad |= (a[i] ?? 0) ^ (AIV_PREFIX[i] ?? 0);
  const mli = new DataView(a.buffer, a.byteOffset, S).getUint32(4);
  bad |= Number(mli <= S * (n - 1)) | Number(mli > S * n);
  for (let i = S * (n - 1); i < S * n; i++) bad |= Number(i >= mli) * (p[i] ?? 0);
  if (bad !== 0) {
    p.fill(0);
    throw new DecryptionFailed();
  }
  return p.slice(0, mli);
}
