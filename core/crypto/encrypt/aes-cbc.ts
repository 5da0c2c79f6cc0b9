/**
 * A128CBC / A192CBC / A256CBC and their PAD variants (NIST SP 800-38A §6.2).
 *
 * WebCrypto's AES-CBC always applies and checks PKCS#7, so it cannot decrypt Azure's unpadded A*CBC.
 * Both variants therefore run the bare mode through `node:crypto` (`aes-N-cbc`, auto padding off,
 * available in workerd with `nodejs_compat`) and do the padding here:
 * - A*CBCPAD: PKCS#7 (RFC 5652 §6.3); the check on decrypt reads the whole last block with no early
 *   exit and answers every failure with the one DecryptionFailed (Vaudenay 2002 padding oracle).
 * - A*CBC: zero fill on encrypt, as Azure does (see encryption-algorithms.ts); decrypt returns every
 *   block, fill included, since zeros cannot be told from data.
 * Microsoft itself warns not to decrypt CBC without first checking an HMAC (keys.json, decrypt).
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { VaultError } from "../../errors/vault-error.ts";
import { concatBytes } from "../bytes.ts";
import type { AesKey } from "./aes-key.ts";
import { DecryptionFailed } from "./decryption-failed.ts";
import {
  AES_BLOCK_BYTES,
  CBC_IV_BYTES,
  ENCRYPTION_ALGORITHMS,
  assertIvLength,
  assertKeySize,
  secureRandom,
  type RandomSource,
} from "./encryption-algorithms.ts";

export type AesCbcAlgorithm = "A128CBC" | "A192CBC" | "A256CBC" | "A128CBCPAD" | "A192CBCPAD" | "A256CBCPAD";

export interface AesCbcEncrypted {
  readonly ciphertext: Uint8Array<ArrayBuffer>;
  readonly iv: Uint8Array<ArrayBuffer>;
}

/** PKCS#7: 1–16 bytes, each equal to the count; a whole block when the input is already aligned. */
export function pkcs7Pad(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const pad = AES_BLOCK_BYTES - (data.length % AES_BLOCK_BYTES);
  const out = new Uint8Array(data.length + pad).fill(pad);
  out.set(data);
  return out;
}

/**
 * Length of the data before the PKCS#7 padding, or -1. Constant structure: every byte of the last
 * block is read and folded into one flag whatever the pad value, so time does not depend on where
 * the padding breaks. `padded` is a non-empty whole number of blocks (the caller checks).
 */
export function pkcs7UnpaddedLength(padded: Uint8Array): number {
  const last = padded.length - 1;
  const pad = padded[last] ?? 0;
  // 1 when pad is 0 or above 16 (the sign bit of pad-1 or of 16-pad).
  let bad = ((pad - 1) >>> 31) | ((AES_BLOCK_BYTES - pad) >>> 31);
  for (let i = 0; i < AES_BLOCK_BYTES; i++) {
    const byte = padded[last - i] ?? 0;
    const inPadding = ((pad - i - 1) >>> 31) ^ 1; // 1 for the `pad` trailing bytes
    const differs = ((byte ^ pad) + 0xff) >>> 8; // 1 when byte !== pad
    bad |= inPadding & differs;
  }
  return bad === 0 ? padded.length - pad : -1;
}

function zeroFill(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.ceil(data.length / AES_BLOCK_BYTES) * AES_BLOCK_BYTES);
  out.set(data);
  return out;
}

function cipherName(key: AesKey): string {
  return `aes-${key.bits}-cbc`;
}

/** Uses the caller's 16-byte IV when given (Azure allows it), else a fresh random one. */
export function aesCbcEncrypt(
  alg: AesCbcAlgorithm,
  key: AesKey,
  plaintext: Uint8Array,
  iv?: Uint8Array,
  random: RandomSource = secureRandom,
): AesCbcEncrypted {
  assertKeySize(alg, key.bytes.length);
  const chosenIv = new Uint8Array(iv === undefined ? random(CBC_IV_BYTES) : assertIvLength(alg, iv));
  const padded = ENCRYPTION_ALGORITHMS[alg].padding === "pkcs7" ? pkcs7Pad(plaintext) : zeroFill(plaintext);
  if (padded.length === 0) throw new VaultError("BadParameter", `Algorithm ${alg} cannot encrypt an empty value.`);
  const cipher = createCipheriv(cipherName(key), key.bytes, chosenIv);
  cipher.setAutoPadding(false);
  return { ciphertext: concatBytes(cipher.update(padded), cipher.final()), iv: chosenIv };
}

/** A missing or mis-sized IV is a request error; anything wrong with the ciphertext is DecryptionFailed. */
export function aesCbcDecrypt(alg: AesCbcAlgorithm, key: AesKey, ciphertext: Uint8Array, iv: Uint8Array | undefined): Uint8Array<ArrayBuffer> {
  assertKeySize(alg, key.bytes.length);
  const checkedIv = assertIvLength(alg, iv);
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) throw new DecryptionFailed();
  const decipher = createDecipheriv(cipherName(key), key.bytes, checkedIv);
  decipher.setAutoPadding(false);
  const plain = concatBytes(decipher.update(ciphertext), decipher.final());
  if (ENCRYPTION_ALGORITHMS[alg].padding === "zero") return plain;
  const length = pkcs7UnpaddedLength(plain);
  if (length < 0) {
    plain.fill(0);
    throw new DecryptionFailed();
  }
  return plain.slice(0, length);
}
