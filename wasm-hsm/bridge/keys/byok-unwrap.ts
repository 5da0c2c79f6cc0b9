/**
 * The BYOK key transfer blob unwrapped inside the token, in the two steps the BYOK specification calls equivalent
 * to CKM_RSA_AES_KEY_WRAP: the blob is RSA-OAEP(SHA-1, MGF1-SHA-1, empty label) of an ephemeral AES key, k bytes
 * for a k-byte KEK modulus, followed by that key's RFC 5649 wrap of the target key. Step one unwraps the ephemeral
 * key into a session object (never on the token, sensitive, not extractable, good only for unwrapping); step two
 * unwraps the target with it into the object `template` describes; the ephemeral key is destroyed either way.
 * Neither key is ever outside the token in the clear, as the specification requires.
 */
import { BridgeFailure, DECRYPTION_FAILED } from "../failure.ts";
import { CKZ_DATA_SPECIFIED, pkcs11js, type Handle, type PKCS11, type Template } from "../pkcs11/binding.ts";
import { destroyQuietly } from "../pkcs11/destroy-quietly.ts";

/** RFC 5649 §4.1: the wrap of at least one byte is two semiblocks, and always whole semiblocks. */
const KWP_MIN_BYTES = 16;
const SEMIBLOCK_BYTES = 8;

const OAEP_SHA1 = {
  mechanism: pkcs11js.CKM_RSA_PKCS_OAEP,
  parameter: { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, source: CKZ_DATA_SPECIFIED },
};

/**
 * The unwrap template takes no CKA_VALUE_LEN (the OAEP plaintext's length gives it): an ephemeral key that is not
 * 128, 192 or 256 bits is then refused by the token's AES in step two.
 */
const EPHEMERAL_KEY: Template = [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
  { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
  { type: pkcs11js.CKA_TOKEN, value: false },
  { type: pkcs11js.CKA_PRIVATE, value: true },
  { type: pkcs11js.CKA_SENSITIVE, value: true },
  { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  { type: pkcs11js.CKA_UNWRAP, value: true },
];

export interface TransferBlob {
  readonly wrappedAesKey: Buffer;
  readonly wrappedTarget: Buffer;
}

/** Splits at the KEK's modulus length; a blob that cannot be one is refused like any other bad blob. */
export function splitTransferBlob(blob: Buffer, kekModulusBytes: number): TransferBlob {
  const wrappedTarget = blob.subarray(kekModulusBytes);
  if (wrappedTarget.length < KWP_MIN_BYTES || wrappedTarget.length % SEMIBLOCK_BYTES !== 0) {
    throw new BridgeFailure("BadParameter", DECRYPTION_FAILED, "BYOK blob length");
  }
  return { wrappedAesKey: blob.subarray(0, kekModulusBytes), wrappedTarget };
}

/**
 * Returns the new target object. Throws the token's error, for the caller to make generic; a token error also makes
 * the session pool close the session (pkcs11/session-pool.ts), which ends any session object a failed destroy left.
 */
export async function unwrapTransferBlob(
  module: PKCS11,
  session: Handle,
  kekPrivateKey: Handle,
  blob: TransferBlob,
  template: Template,
): Promise<Handle> {
  const ephemeral = await module.C_UnwrapKeyAsync(session, OAEP_SHA1, kekPrivateKey, blob.wrappedAesKey, EPHEMERAL_KEY);
  const target = await module
    .C_UnwrapKeyAsync(session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, ephemeral, blob.wrappedTarget, template)
    .catch((error: unknown) => {
      destroyQuietly(module, session, ephemeral);
      throw error;
    });
  try {
    module.C_DestroyObject(session, ephemeral);
  } catch (error) {
    destroyQuietly(module, session, target);
    throw error;
  }
  return target;
}
