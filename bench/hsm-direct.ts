import { constants, createHash, createPublicKey, randomBytes, verify, type VerifyKeyObjectInput } from "node:crypto";
import type { BridgeContext } from "../wasm-hsm/bridge/context.ts";
import type { StoredKey } from "../wasm-hsm/bridge/keys/key-store.ts";
import { GCM_TAG_BYTES } from "../wasm-hsm/bridge/ops/aes-cipher.ts";
import { encrypt } from "../wasm-hsm/bridge/ops/cipher.ts";
import { oaepDecode } from "../wasm-hsm/bridge/ops/oaep-decode.ts";
import { HASHES, SIGNATURE_ALGORITHMS } from "../wasm-hsm/bridge/ops/sign-algorithms.ts";
import { CKZ_DATA_SPECIFIED, pkcs11js, type Handle, type Mechanism, type RsaOAEP } from "../wasm-hsm/bridge/pkcs11/binding.ts";
import { mechanismName } from "../wasm-hsm/bridge/pkcs11/mechanism-names.ts";
import { HSM_INPUT_BYTES, type HsmCase } from "./hsm-cases.ts";

/**
 * What one case's direct operation works on, made once and handed to every direct process (base64url, so it
 * crosses IPC as it is): the token key's CKA_ID, the message (sign: its SHA-256 is signed; decrypt: the
 * plaintext) and, for a decrypt, what the bridge's own encrypt made of the message.
 */
export interface DirectMaterial {
  readonly keyId: string;
  readonly message: string;
  readonly sealed?: { readonly ciphertext: string; readonly iv?: string; readonly tag?: string };
}

export interface DirectOperation {
  /** The PKCS#11 calls, for the legend. */
  readonly description: string;
  /** One operation as the bridge runs one: a pooled session, the cached key handle, Init, then the *Async call. */
  run(): Promise<Buffer>;
}

/** Room for any signature the cases make (RSA-3072: 384 bytes). */
const SIGNATURE_ROOM = 512;
/** Every sign case is a SHA-256 algorithm (RS256, PS256, ES256). */
const SHA256 = HASHES["SHA-256"];

export async function directMaterial(context: BridgeContext, c: HsmCase, keyId: string): Promise<DirectMaterial> {
  const message = randomBytes(HSM_INPUT_BYTES).toString("base64url");
  if (c.op === "sign") return { keyId, message };
  return { keyId, message, sealed: await encrypt(context, keyId, { alg: c.alg, plaintext: message }) };
}

/**
 * The case's operation straight on the token, with the mechanism and parameters the bridge's ops/ use for it
 * (its own tables: DigestInfo prefixes, PSS salt, OAEP hashes; raw RSA plus its OAEP decoding where it
 * emulates). Runs one operation and checks it before returning, so the direct column counts real operations.
 */
export async function directOperation(context: BridgeContext, c: HsmCase, material: DirectMaterial): Promise<DirectOperation> {
  const key = await context.keys.withKey(material.keyId, async (_session, stored) => stored);
  const message = Buffer.from(material.message, "base64url");
  const prepared = c.op === "sign" ? signing(context, c, key, message) : decrypting(context, c, key, message, material);
  const run = () => context.keys.withKey(material.keyId, (session, stored) => prepared.call(session, stored));
  if (!prepared.check(await run())) throw new Error(`${c.name}: the direct ${prepared.description} gave a wrong answer`);
  return { description: prepared.description, run };
}

interface Prepared {
  readonly description: string;
  call(session: Handle, key: StoredKey): Promise<Buffer>;
  check(output: Buffer): boolean;
}

function signing(context: BridgeContext, c: Extract<HsmCase, { op: "sign" }>, key: StoredKey, message: Buffer): Prepared {
  if (key.publicJwk === undefined) throw new Error(`${c.name} needs an RSA or EC key`);
  const descriptor = SIGNATURE_ALGORITHMS[c.alg];
  const digest = createHash("sha256").update(message).digest();
  const publicKey = createPublicKey({ key: { ...key.publicJwk }, format: "jwk" });
  let mechanism: Mechanism;
  let input = digest;
  let verifyKey: VerifyKeyObjectInput = { key: publicKey };
  if (descriptor.family === "EC") {
    mechanism = { mechanism: pkcs11js.CKM_ECDSA };
    verifyKey = { key: publicKey, dsaEncoding: "ieee-p1363" };
  } else if (descriptor.scheme === "pss") {
    const parameter = { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: SHA256.mechanism, mgf: SHA256.mgf, saltLen: descriptor.saltBytes };
    mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter };
    verifyKey = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: descriptor.saltBytes };
  } else {
    mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS };
    input = Buffer.concat([SHA256.digestInfoPrefix, digest]);
  }
  const { module } = context.token;
  return {
    description: `C_SignInit(${mechanismName(mechanism.mechanism)}) + C_SignAsync`,
    async call(session, stored) {
      module.C_SignInit(session, mechanism, required(stored.privateKey, c));
      return module.C_SignAsync(session, input, Buffer.alloc(SIGNATURE_ROOM));
    },
    check: (signature) => verify("sha256", message, verifyKey, signature),
  };
}

function decrypting(
  context: BridgeContext,
  c: Extract<HsmCase, { op: "decrypt" }>,
  key: StoredKey,
  message: Buffer,
  { sealed }: DirectMaterial,
): Prepared {
  if (sealed === undefined) throw new Error(`${c.name}: no ciphertext prepared`);
  const ciphertext = Buffer.from(sealed.ciphertext, "base64url");
  const { module } = context.token;
  const check = (output: Buffer) => output.equals(message);

  if (c.alg === "A256GCM") {
    if (sealed.iv === undefined || sealed.tag === undefined) throw new Error(`${c.name}: the bridge's encrypt gave no iv or tag`);
    const iv = Buffer.from(sealed.iv, "base64url");
    // PKCS#11 v2.40 §2.12.4: GCM decrypts ciphertext ‖ tag, as the bridge hands it over.
    const data = Buffer.concat([ciphertext, Buffer.from(sealed.tag, "base64url")]);
    const parameter = { type: pkcs11js.CK_PARAMS_AES_GCM_v240, iv, ivBits: iv.length * 8, tagBits: GCM_TAG_BYTES * 8 };
    const mechanism = { mechanism: pkcs11js.CKM_AES_GCM, parameter };
    return {
      description: "C_DecryptInit(CKM_AES_GCM) + C_DecryptAsync",
      async call(session, stored) {
        module.C_DecryptInit(session, mechanism, required(stored.secretKey, c));
        return module.C_DecryptAsync(session, data, Buffer.alloc(data.length));
      },
      check,
    };
  }

  if (key.kty !== "RSA" || key.size === undefined) throw new Error(`${c.name} needs an RSA key`);
  const k = key.size / 8;
  // The path the bridge chose at start-up (pkcs11/capabilities.ts): SoftHSM2 2.6.1 has OAEP with SHA-1 only.
  const emulated = c.alg === "RSA-OAEP-256" && context.capabilities.rsaOaepSha256 === "emulated";
  const [hashAlg, mgf] = c.alg === "RSA-OAEP" ? [pkcs11js.CKM_SHA_1, pkcs11js.CKG_MGF1_SHA1] : [SHA256.mechanism, SHA256.mgf];
  const oaep: RsaOAEP = { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg, mgf, source: CKZ_DATA_SPECIFIED };
  const mechanism: Mechanism = emulated
    ? { mechanism: pkcs11js.CKM_RSA_X_509 }
    : { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter: oaep };
  const name = mechanismName(mechanism.mechanism);
  return {
    description: emulated
      ? `C_DecryptInit(${name}) + C_DecryptAsync + the bridge's OAEP decoding (ops/oaep-decode.ts)`
      : `C_DecryptInit(${name}, ${c.alg === "RSA-OAEP" ? "SHA-1" : "SHA-256"}) + C_DecryptAsync`,
    async call(session, stored) {
      module.C_DecryptInit(session, mechanism, required(stored.privateKey, c));
      const output = await module.C_DecryptAsync(session, ciphertext, Buffer.alloc(k));
      if (!emulated) return output;
      const decoded = oaepDecode(output, k, "sha256");
      if (decoded === undefined) throw new Error(`${c.name}: OAEP decoding failed`);
      return decoded;
    },
    check,
  };
}

function required(handle: Handle | undefined, c: HsmCase): Handle {
  if (handle === undefined) throw new Error(`${c.name}: the token key has no private or secret half`);
  return handle;
}
