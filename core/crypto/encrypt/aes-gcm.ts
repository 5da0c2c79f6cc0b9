/**
 * A128GCM / A192GCM / A256GCM (NIST SP 800-38D) with WebCrypto (docs/decisions.md §3.2).
 *
 * Azure's wire carries ciphertext, `iv` and `tag` as separate members (KeyOperationResult), while
 * WebCrypto speaks ciphertext ‖ tag; this module converts between the two. The IV is always made here
 * (SP 800-38D §8.2.2, random 96-bit IVs), never taken from the caller: the service must be the one
 * that keeps IVs unique under a key (see `assertEncryptIv`).
 */
import { concatBytes } from "../bytes.ts";
import type { AesKey } from "./aes-key.ts";
import { orDecryptionFailed } from "./decryption-failed.ts";
import {
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  assertIvLength,
  assertKeySize,
  assertTagLength,
  secureRandom,
  type RandomSource,
} from "./encryption-algorithms.ts";

export type AesGcmAlgorithm = "A128GCM" | "A192GCM" | "A256GCM";

export interface AesGcmSealed {
  readonly ciphertext: Uint8Array<ArrayBuffer>;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly tag: Uint8Array<ArrayBuffer>;
}

export interface AesGcmOpenInput {
  readonly ciphertext: Uint8Array;
  readonly iv: Uint8Array | undefined;
  readonly tag: Uint8Array | undefined;
  readonly aad?: Uint8Array | undefined;
}

function params(iv: Uint8Array, aad: Uint8Array | undefined): SubtleCryptoEncryptAlgorithm {
  // An absent AAD and an empty one authenticate identically (SP 800-38D §7.1: len(A) = 0).
  const base: SubtleCryptoEncryptAlgorithm = { name: "AES-GCM", iv: new Uint8Array(iv), tagLength: GCM_TAG_BYTES * 8 };
  return aad === undefined ? base : { ...base, additionalData: new Uint8Array(aad) };
}

/** Encrypts with a fresh IV from `random` (tests inject a fixed one to replay published vectors). */
export async function aesGcmEncrypt(
  alg: AesGcmAlgorithm,
  key: AesKey,
  plaintext: Uint8Array,
  aad?: Uint8Array,
  random: RandomSource = secureRandom,
): Promise<AesGcmSealed> {
  assertKeySize(alg, key.bytes.length);
  const iv = random(GCM_IV_BYTES);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(params(iv, aad), await key.cryptoKey("AES-GCM"), new Uint8Array(plaintext)),
  );
  const split = sealed.length - GCM_TAG_BYTES;
  return { ciphertext: sealed.slice(0, split), iv, tag: sealed.slice(split) };
}

/**
 * Missing or mis-sized `iv`/`tag` are request errors (BadParameter, their sizes are public); a tag
 * that does not verify is the generic DecryptionFailed, and no plaintext is released.
 */
export async function aesGcmDecrypt(alg: AesGcmAlgorithm, key: AesKey, input: AesGcmOpenInput): Promise<Uint8Array<ArrayBuffer>> {
  assertKeySize(alg, key.bytes.length);
  const iv = assertIvLength(alg, input.iv);
  const tag = assertTagLength(alg, input.tag);
  const cryptoKey = await key.cryptoKey("AES-GCM");
  const opened = await orDecryptionFailed(() =>
    crypto.subtle.decrypt(params(iv, input.aad), cryptoKey, concatBytes(input.ciphertext, tag)),
  );
  return new Uint8Array(opened);
}
