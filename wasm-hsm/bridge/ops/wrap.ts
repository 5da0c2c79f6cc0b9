/**
 * POST /keys/{id}/wrap and /unwrap. With an RSA key these are RSA encryption and decryption. With an oct key they
 * are AES key wrap: RFC 3394 (A*KW, CKM_AES_KEY_WRAP) or RFC 5649 (CKM_AES_KEY_WRAP_PAD). PKCS#11 wraps key
 * OBJECTS, not bytes (v2.40 §5.14 C_WrapKey), so the bytes become a short-lived session object — generic secret,
 * extractable, never on the token — which is wrapped and destroyed at once; unwrapping goes the other way
 * (docs/decisions.md §4.1). RFC 5649 wrapping on a token that gets it wrong is
 * built here from the token's AES (ops/aes-kwp-wrap.ts).
 */
import type { AesWrapAlgorithm, UnwrapRequest, UnwrapResponse, WrapRequest, WrapResponse } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter, BridgeFailure, DECRYPTION_FAILED } from "../failure.ts";
import type { StoredKey } from "../keys/key-store.ts";
import { pkcs11js, type Handle, type Template } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { destroyQuietly } from "../pkcs11/destroy-quietly.ts";
import { aesKeyHandle } from "./aes-key.ts";
import { aesKwpWrap } from "./aes-kwp-wrap.ts";
import { isRsaAlgorithm } from "./cipher.ts";
import { genericDecryptFailure, rsaDecrypt, rsaEncrypt } from "./rsa-cipher.ts";

interface AesWrapDescriptor {
  readonly mechanism: number;
  /** null: any AES key (Azure's CKM_AES_KEY_WRAP names take whatever size the key has). */
  readonly keyBits: 128 | 192 | 256 | null;
  readonly padded: boolean;
}

const AES_WRAP: Readonly<Record<AesWrapAlgorithm, AesWrapDescriptor>> = {
  A128KW: { mechanism: pkcs11js.CKM_AES_KEY_WRAP, keyBits: 128, padded: false },
  A192KW: { mechanism: pkcs11js.CKM_AES_KEY_WRAP, keyBits: 192, padded: false },
  A256KW: { mechanism: pkcs11js.CKM_AES_KEY_WRAP, keyBits: 256, padded: false },
  CKM_AES_KEY_WRAP: { mechanism: pkcs11js.CKM_AES_KEY_WRAP, keyBits: null, padded: false },
  CKM_AES_KEY_WRAP_PAD: { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD, keyBits: null, padded: true },
};

/** RFC 3394 §2: n ≥ 2 semiblocks of 64 bits; RFC 5649 wraps 1 byte and up. */
const KW_SEMIBLOCK_BYTES = 8;
const KW_MIN_BYTES = 16;
/** RFC 3394 §2.2.3 / RFC 5649 §3: the wrapped form is one semiblock longer than the (padded) input. */
const WRAP_OVERHEAD_BYTES = 16;

const TRANSIENT_SECRET: Template = [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
  { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
  { type: pkcs11js.CKA_TOKEN, value: false },
  { type: pkcs11js.CKA_SENSITIVE, value: false },
  { type: pkcs11js.CKA_EXTRACTABLE, value: true },
];

export async function wrap(context: BridgeContext, id: string, request: WrapRequest): Promise<WrapResponse> {
  const material = Buffer.from(request.key, "base64url");
  const { alg } = request;
  if (isRsaAlgorithm(alg)) {
    return context.keys.withKey(id, async (session, key) => ({
      wrapped: bytesToBase64Url(await rsaEncrypt(context, session, key, alg, material)),
    }));
  }
  const descriptor = AES_WRAP[alg];
  if (descriptor.padded ? material.length === 0 : material.length < KW_MIN_BYTES || material.length % KW_SEMIBLOCK_BYTES !== 0) {
    throw badParameter(descriptor.padded ? "nothing to wrap" : "AES-KW wraps 16 bytes or more, in 8-byte steps");
  }
  return context.keys.withKey(id, async (session, key) => {
    const { module } = context.token;
    if (descriptor.padded && context.capabilities.aesKeyWrapPad === "emulated") {
      const kek = assertKek(context, key, descriptor, pkcs11js.CKM_AES_ECB);
      try {
        return { wrapped: bytesToBase64Url(aesKwpWrap(module, session, kek, material)) };
      } catch (error) {
        throw failureFromPkcs11(error, "wrap");
      }
    }
    const kek = assertKek(context, key, descriptor);
    let transient: Handle | undefined;
    try {
      transient = module.C_CreateObject(session, [...TRANSIENT_SECRET, { type: pkcs11js.CKA_VALUE, value: material }]);
      const wrapped = await module.C_WrapKeyAsync(
        session,
        { mechanism: descriptor.mechanism },
        kek,
        transient,
        Buffer.alloc(material.length + WRAP_OVERHEAD_BYTES),
      );
      return { wrapped: bytesToBase64Url(wrapped) };
    } catch (error) {
      throw failureFromPkcs11(error, "wrap");
    } finally {
      if (transient !== undefined) destroyQuietly(context.token.module, session, transient);
    }
  });
}

export async function unwrap(context: BridgeContext, id: string, request: UnwrapRequest): Promise<UnwrapResponse> {
  const wrapped = Buffer.from(request.wrapped, "base64url");
  const { alg } = request;
  if (isRsaAlgorithm(alg)) {
    return context.keys.withKey(id, async (session, key) => ({
      key: bytesToBase64Url(await rsaDecrypt(context, session, key, alg, wrapped)),
    }));
  }
  const descriptor = AES_WRAP[alg];
  if (wrapped.length < KW_MIN_BYTES || wrapped.length % KW_SEMIBLOCK_BYTES !== 0) {
    throw new BridgeFailure("BadParameter", DECRYPTION_FAILED, "wrapped length");
  }
  return context.keys.withKey(id, async (session, key) => {
    const kek = assertKek(context, key, descriptor);
    const { module } = context.token;
    let transient: Handle;
    try {
      transient = await module.C_UnwrapKeyAsync(session, { mechanism: descriptor.mechanism }, kek, wrapped, TRANSIENT_SECRET);
    } catch (error) {
      // RFC 3394 §2.2.3: a failed integrity check says nothing more than "error".
      throw genericDecryptFailure(error);
    }
    try {
      const [value] = module.C_GetAttributeValue(session, transient, [{ type: pkcs11js.CKA_VALUE }]);
      return { key: bytesToBase64Url(value?.value ?? Buffer.alloc(0)) };
    } catch (error) {
      throw failureFromPkcs11(error, "unwrap");
    } finally {
      destroyQuietly(context.token.module, session, transient);
    }
  });
}

/** `mechanism`: what the token must have for this path (the descriptor's own unless emulated). */
function assertKek(context: BridgeContext, key: StoredKey, descriptor: AesWrapDescriptor, mechanism = descriptor.mechanism): Handle {
  const kek = aesKeyHandle(key);
  if (descriptor.keyBits !== null && key.size !== descriptor.keyBits) {
    throw badParameter(`algorithm needs a ${descriptor.keyBits}-bit key`);
  }
  if (!context.token.mechanisms.has(mechanism)) throw badParameter("this token cannot do that key wrap");
  return kek;
}
