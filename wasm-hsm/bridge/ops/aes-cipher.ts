/**
 * AES encryption and decryption with an oct key on the token: GCM (NIST SP 800-38D), CBC without padding and CBC
 * with PKCS#7 padding (CKM_AES_CBC_PAD, PKCS#11 v2.40 §2.10.5). A*CBC takes whole blocks only: Azure zero-fills
 * the last block, and that is the vault's part, as for software keys.
 */
import { randomBytes } from "node:crypto";
import type { AesCipherAlgorithm, EncryptResponse } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter, BridgeFailure, DECRYPTION_FAILED } from "../failure.ts";
import type { StoredKey } from "../keys/key-store.ts";
import { pkcs11js, type GcmParams, type Handle, type Mechanism } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { aesKeyHandle } from "./aes-key.ts";
import { genericDecryptFailure } from "./rsa-cipher.ts";

export const AES_BLOCK_BYTES = 16;
/** SP 800-38D §5.2.1.1: 96-bit IVs; §5.2.1.2: the full 128-bit tag. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

interface AesDescriptor {
  readonly mode: "gcm" | "cbc" | "cbc-pad";
  readonly keyBits: 128 | 192 | 256;
}

export const AES_ALGORITHMS: Readonly<Record<AesCipherAlgorithm, AesDescriptor>> = {
  A128GCM: { mode: "gcm", keyBits: 128 },
  A192GCM: { mode: "gcm", keyBits: 192 },
  A256GCM: { mode: "gcm", keyBits: 256 },
  A128CBC: { mode: "cbc", keyBits: 128 },
  A192CBC: { mode: "cbc", keyBits: 192 },
  A256CBC: { mode: "cbc", keyBits: 256 },
  A128CBCPAD: { mode: "cbc-pad", keyBits: 128 },
  A192CBCPAD: { mode: "cbc-pad", keyBits: 192 },
  A256CBCPAD: { mode: "cbc-pad", keyBits: 256 },
};

export interface AesInput {
  readonly iv?: Buffer;
  readonly aad?: Buffer;
  readonly tag?: Buffer;
}

export async function aesEncrypt(
  context: BridgeContext,
  session: Handle,
  key: StoredKey,
  alg: AesCipherAlgorithm,
  plaintext: Buffer,
  input: AesInput,
): Promise<EncryptResponse> {
  const descriptor = AES_ALGORITHMS[alg];
  const secretKey = assertKey(key, descriptor);
  if (descriptor.mode === "gcm" && input.iv !== undefined) {
    // Only the key holder can keep GCM IVs unique per key (SP 800-38D §8); the vault refuses callers' IVs too.
    throw badParameter("the bridge makes every GCM IV; send none");
  }
  if (descriptor.mode !== "gcm" && input.aad !== undefined) throw badParameter("aad is for GCM only");
  if (descriptor.mode === "cbc" && plaintext.length % AES_BLOCK_BYTES !== 0) {
    throw badParameter("A*CBC encrypts whole 16-byte blocks; pad first or use A*CBCPAD");
  }
  const iv = input.iv ?? randomBytes(descriptor.mode === "gcm" ? GCM_IV_BYTES : AES_BLOCK_BYTES);
  if (descriptor.mode !== "gcm" && iv.length !== AES_BLOCK_BYTES) throw badParameter("CBC iv must be 16 bytes");

  const { module } = context.token;
  let output: Buffer;
  try {
    module.C_EncryptInit(session, mechanism(descriptor, iv, input.aad), secretKey);
    const room = Buffer.alloc(plaintext.length + 2 * AES_BLOCK_BYTES);
    // pkcs11js passes an empty buffer as NULL, which SoftHSM2 refuses (CKR_ARGUMENTS_BAD); C_EncryptFinal alone
    // encrypts the empty message (CBC-PAD: one padding block; GCM: just the tag), as v2.40 §5.8 allows.
    output = plaintext.length === 0 ? module.C_EncryptFinal(session, room) : await module.C_EncryptAsync(session, plaintext, room);
  } catch (error) {
    throw failureFromPkcs11(error, "encrypt");
  }
  if (descriptor.mode !== "gcm") return { ciphertext: bytesToBase64Url(output), iv: bytesToBase64Url(iv) };
  // PKCS#11 v2.40 §2.12.4: GCM output is ciphertext ‖ tag; Azure returns them apart.
  const split = output.length - GCM_TAG_BYTES;
  return {
    ciphertext: bytesToBase64Url(output.subarray(0, split)),
    iv: bytesToBase64Url(iv),
    tag: bytesToBase64Url(output.subarray(split)),
  };
}

export async function aesDecrypt(
  context: BridgeContext,
  session: Handle,
  key: StoredKey,
  alg: AesCipherAlgorithm,
  ciphertext: Buffer,
  input: AesInput,
): Promise<Buffer> {
  const descriptor = AES_ALGORITHMS[alg];
  const secretKey = assertKey(key, descriptor);
  const iv = input.iv;
  if (iv === undefined) throw badParameter("iv is required");
  let data = ciphertext;
  if (descriptor.mode === "gcm") {
    if (iv.length !== GCM_IV_BYTES) throw badParameter("GCM iv must be 12 bytes");
    if (input.tag?.length !== GCM_TAG_BYTES) throw badParameter("GCM tag must be 16 bytes");
    data = Buffer.concat([ciphertext, input.tag]);
  } else {
    if (iv.length !== AES_BLOCK_BYTES) throw badParameter("CBC iv must be 16 bytes");
    if (input.tag !== undefined || input.aad !== undefined) throw badParameter("tag and aad are for GCM only");
    if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
      throw new BridgeFailure("BadParameter", DECRYPTION_FAILED, "CBC ciphertext length");
    }
  }
  const { module } = context.token;
  try {
    module.C_DecryptInit(session, mechanism(descriptor, iv, input.aad), secretKey);
    return await module.C_DecryptAsync(session, data, Buffer.alloc(data.length + AES_BLOCK_BYTES));
  } catch (error) {
    throw genericDecryptFailure(error);
  }
}

function mechanism(descriptor: AesDescriptor, iv: Buffer, aad: Buffer | undefined): Mechanism {
  if (descriptor.mode === "cbc") return { mechanism: pkcs11js.CKM_AES_CBC, parameter: iv };
  if (descriptor.mode === "cbc-pad") return { mechanism: pkcs11js.CKM_AES_CBC_PAD, parameter: iv };
  // CK_GCM_PARAMS as PKCS#11 v2.40 defines it (with ulIvBits), which SoftHSM2 and v3 modules implement.
  const parameter: GcmParams = {
    type: pkcs11js.CK_PARAMS_AES_GCM_v240,
    iv,
    ivBits: iv.length * 8,
    ...(aad === undefined ? {} : { aad }),
    tagBits: GCM_TAG_BYTES * 8,
  };
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}

function assertKey(key: StoredKey, descriptor: AesDescriptor): Handle {
  const secretKey = aesKeyHandle(key);
  if (key.size !== descriptor.keyBits) throw badParameter(`algorithm needs a ${descriptor.keyBits}-bit key`);
  return secretKey;
}
