/**
 * RSA encryption and decryption (RSA1_5, RSA-OAEP, RSA-OAEP-256), used by encrypt/decrypt and by wrap/unwrap,
 * which for RSA keys are the same operation (Azure: "WRAPKEY/UNWRAPKEY, ENCRYPT/DECRYPT").
 *
 * RSA-OAEP-256 takes the path chosen at start-up (pkcs11/capabilities.ts): the token's CKM_RSA_PKCS_OAEP with
 * SHA-256 when it has it, else raw RSA on the token and OAEP decoding here (ops/oaep-decode.ts). Encryption is a
 * public-key operation, so in the emulated case — and for the empty message, which pkcs11js cannot hand to the
 * token — it runs here with node:crypto (it needs no token, docs/decisions.md §4.6); the private key never
 * leaves the token either way.
 */
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import type { RsaCipherAlgorithm } from "../../../core/hsm/bridge-client/types.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter, BridgeFailure, DECRYPTION_FAILED } from "../failure.ts";
import type { StoredKey } from "../keys/key-store.ts";
import { CKZ_DATA_SPECIFIED, pkcs11js, type Handle, type Mechanism, type RsaOAEP } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { oaepDecode } from "./oaep-decode.ts";

/** CKM_RSA_PKCS_OAEP with `hash` and its MGF1, empty label (RFC 8017 §7.1). */
export function oaepMechanism(hash: number, mgf: number): Mechanism {
  const parameter: RsaOAEP = { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: hash, mgf, source: CKZ_DATA_SPECIFIED };
  return { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter };
}

/** RFC 7518 §4.2/§4.3 and Azure's RSA-OAEP-256: MGF1 uses the same hash as OAEP, the label is empty. */
const NATIVE_MECHANISMS: Readonly<Record<RsaCipherAlgorithm, Mechanism>> = {
  RSA1_5: { mechanism: pkcs11js.CKM_RSA_PKCS },
  "RSA-OAEP": oaepMechanism(pkcs11js.CKM_SHA_1, pkcs11js.CKG_MGF1_SHA1),
  "RSA-OAEP-256": oaepMechanism(pkcs11js.CKM_SHA256, pkcs11js.CKG_MGF1_SHA256),
};

/** RFC 8017 §7.1.1 step 1b (OAEP: k − 2hLen − 2) and §7.2.1 step 1 (v1.5: k − 11): the longest message. */
const MESSAGE_OVERHEAD: Readonly<Record<RsaCipherAlgorithm, number>> = {
  RSA1_5: 11,
  "RSA-OAEP": 2 * 20 + 2,
  "RSA-OAEP-256": 2 * 32 + 2,
};

export async function rsaEncrypt(
  context: BridgeContext,
  session: Handle,
  key: StoredKey,
  alg: RsaCipherAlgorithm,
  plaintext: Buffer,
): Promise<Buffer> {
  const publicKey = assertRsa(key).publicKey;
  // Checked here: SoftHSM2 answers an over-long message with CKR_GENERAL_ERROR, not CKR_DATA_LEN_RANGE.
  const limit = modulusBytes(key) - MESSAGE_OVERHEAD[alg];
  if (plaintext.length > limit) throw badParameter(`${alg} encrypts at most ${limit} bytes with this key`);
  // pkcs11js passes an empty message as NULL, which SoftHSM2 refuses; the empty message is valid RSA input.
  if ((alg === "RSA-OAEP-256" && context.capabilities.rsaOaepSha256 === "emulated") || plaintext.length === 0) {
    return encryptLocally(key, alg, plaintext);
  }
  const { module } = context.token;
  try {
    module.C_EncryptInit(session, NATIVE_MECHANISMS[alg], publicKey);
    return await module.C_EncryptAsync(session, plaintext, Buffer.alloc(modulusBytes(key)));
  } catch (error) {
    throw failureFromPkcs11(error, "encrypt");
  }
}

const LOCAL_PADDING: Readonly<Record<RsaCipherAlgorithm, { padding: number; oaepHash?: string }>> = {
  RSA1_5: { padding: constants.RSA_PKCS1_PADDING },
  "RSA-OAEP": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
  "RSA-OAEP-256": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
};

function encryptLocally(key: StoredKey, alg: RsaCipherAlgorithm, plaintext: Buffer): Buffer {
  if (key.publicJwk === undefined) throw new BridgeFailure("InternalError", "internal error", "RSA key without public JWK");
  try {
    const nodeKey = createPublicKey({ key: { ...key.publicJwk }, format: "jwk" });
    return publicEncrypt({ key: nodeKey, ...LOCAL_PADDING[alg] }, plaintext);
  } catch (error) {
    throw new BridgeFailure("InternalError", "internal error", `${alg} local encrypt: ${String(error)}`);
  }
}

/** Every failure that could depend on the ciphertext is the one generic error (docs/decisions.md §6.4). */
export async function rsaDecrypt(
  context: BridgeContext,
  session: Handle,
  key: StoredKey,
  alg: RsaCipherAlgorithm,
  ciphertext: Buffer,
): Promise<Buffer> {
  const privateKey = assertRsa(key).privateKey;
  const k = modulusBytes(key);
  // RFC 8017 §7.1.2 step 1b / §7.2.2 step 1: the ciphertext is exactly k bytes. Public knowledge, not an oracle.
  if (ciphertext.length !== k) throw new BridgeFailure("BadParameter", DECRYPTION_FAILED, "ciphertext length");
  const emulated = alg === "RSA-OAEP-256" && context.capabilities.rsaOaepSha256 === "emulated";
  const mechanism = emulated ? { mechanism: pkcs11js.CKM_RSA_X_509 } : NATIVE_MECHANISMS[alg];
  const { module } = context.token;
  let output: Buffer;
  try {
    module.C_DecryptInit(session, mechanism, privateKey);
    output = await module.C_DecryptAsync(session, ciphertext, Buffer.alloc(k));
  } catch (error) {
    throw genericDecryptFailure(error);
  }
  if (!emulated) return output;
  const message = oaepDecode(output, k, "sha256");
  output.fill(0);
  if (message === undefined) throw new BridgeFailure("BadParameter", DECRYPTION_FAILED, "OAEP decoding");
  return message;
}

/**
 * Keeps token trouble (Unavailable, KeyNotFound) visible; everything else becomes "decryption failed". `what` names
 * the operation in the log's detail.
 */
export function genericDecryptFailure(error: unknown, what = "decrypt"): BridgeFailure {
  const failure = failureFromPkcs11(error, what);
  if (failure.code === "Unavailable" || failure.code === "KeyNotFound") return failure;
  return new BridgeFailure("BadParameter", DECRYPTION_FAILED, failure.detail ?? failure.message, failure.ckr);
}

function assertRsa(key: StoredKey): { privateKey: Handle; publicKey: Handle } {
  if (key.kty !== "RSA" || key.privateKey === undefined || key.publicKey === undefined) {
    throw badParameter("algorithm needs an RSA key");
  }
  return { privateKey: key.privateKey, publicKey: key.publicKey };
}

function modulusBytes(key: StoredKey): number {
  return Math.ceil((key.size ?? 0) / 8);
}
