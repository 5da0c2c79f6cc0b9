/**
 * POST /keys/{id}/release-wrap: secure key release of an exportable key (docs/key-release.md "HSM keys"), wrapped
 * inside the token to the attested workload's RSA key. CKM_RSA_AES_KEY_WRAP (PKCS#11 v2.40 §2.1.21) in its two
 * steps, as BYOK unwraps it (keys/byok-unwrap.ts) — pkcs11js cannot pass that mechanism's nested OAEP parameters:
 *   1. a fresh AES-256 session key is generated on the token and C_WrapKey'd with RSA-OAEP under the workload's
 *      public key, itself a session object made from the request;
 *   2. the key is C_WrapKey'd under the AES key with CKM_AES_KEY_WRAP_PAD (RFC 5649).
 * Neither the key nor the AES key is ever outside the token in the clear. The token refuses a key made without
 * CKA_EXTRACTABLE (any key made before release existed, or not exportable), which is answered plainly.
 *
 * SoftHSM2 2.6.1 zero-pads the key to whole semiblocks before its RFC 5649 wrap (ops/aes-kwp-wrap.ts), so what the
 * workload unwraps may carry up to 7 zero bytes after the PKCS#8 DER; DER readers stop at the key's end. The
 * bridge cannot emulate this wrap as it does for wrap requests: that needs the key's bytes outside the token.
 */
import type { ReleaseWrapAlgorithm, ReleaseWrapRequest, ReleaseWrapResponse } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter, BridgeFailure } from "../failure.ts";
import { pkcs11js, type Handle } from "../pkcs11/binding.ts";
import { destroyQuietly } from "../pkcs11/destroy-quietly.ts";
import { oaepMechanism } from "../ops/rsa-cipher.ts";
import { ckrName, failureFromPkcs11 } from "../pkcs11/ckr.ts";

/** The workload keys accepted: RSA-2048 (Azure's smallest, core/crypto/release/runtime-key.ts) to RSA-16384. */
const MIN_TARGET_BITS = 2048;
const MAX_TARGET_BITS = 16_384;
const EPHEMERAL_AES_BYTES = 32;
/** Room for the RFC 5649 wrap of the largest key here (RSA-4096 PKCS#8 is about 2.4 KB). */
const WRAPPED_KEY_BUFFER_BYTES = 8192;

interface OaepChoice {
  readonly hash: number;
  readonly mgf: number;
  /** Whether this token was found to do OAEP with this hash (pkcs11/capabilities.ts probes SHA-256 only). */
  readonly available: (context: BridgeContext) => boolean;
}

const OAEP: Readonly<Record<ReleaseWrapAlgorithm, OaepChoice>> = {
  CKM_RSA_AES_KEY_WRAP: { hash: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, available: () => true },
  RSA_AES_KEY_WRAP_256: { hash: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, available: nativeOaepSha2 },
  RSA_AES_KEY_WRAP_384: { hash: pkcs11js.CKM_SHA384, mgf: pkcs11js.CKG_MGF1_SHA384, available: nativeOaepSha2 },
};

function nativeOaepSha2(context: BridgeContext): boolean {
  return context.capabilities.rsaOaepSha256 === "native";
}

const EPHEMERAL_KEY = [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
  { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
  { type: pkcs11js.CKA_VALUE_LEN, value: EPHEMERAL_AES_BYTES },
  { type: pkcs11js.CKA_TOKEN, value: false },
  { type: pkcs11js.CKA_PRIVATE, value: true },
  { type: pkcs11js.CKA_SENSITIVE, value: true },
  // Extractable only so that step 1 can wrap it; sensitive, so it is never readable.
  { type: pkcs11js.CKA_EXTRACTABLE, value: true },
  { type: pkcs11js.CKA_WRAP, value: true },
];

export async function releaseWrap(context: BridgeContext, id: string, request: ReleaseWrapRequest): Promise<ReleaseWrapResponse> {
  const oaep = OAEP[request.enc];
  if (!oaep.available(context)) {
    throw badParameter(`${request.enc} needs RSA-OAEP with SHA-2 inside the token, which this token lacks; use CKM_RSA_AES_KEY_WRAP`);
  }
  const modulus = Buffer.from(request.target.n, "base64url");
  const exponent = Buffer.from(request.target.e, "base64url");
  const bits = bitLength(modulus);
  if (bits < MIN_TARGET_BITS || bits > MAX_TARGET_BITS || exponent.length === 0 || exponent.length > 8) {
    throw badParameter(`target must be an RSA public key of ${MIN_TARGET_BITS} to ${MAX_TARGET_BITS} bits`);
  }
  const mechanism = oaepMechanism(oaep.hash, oaep.mgf);
  const { module } = context.token;
  return context.keys.withKey(id, async (session, key) => {
    const held = key.privateKey ?? key.secretKey;
    if (held === undefined) throw badParameter("the key has no private or secret part to release");
    const created: Handle[] = [];
    try {
      const workload = module.C_CreateObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
        { type: pkcs11js.CKA_TOKEN, value: false },
        { type: pkcs11js.CKA_MODULUS, value: modulus },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: exponent },
        { type: pkcs11js.CKA_WRAP, value: true },
      ]);
      created.push(workload);
      const ephemeral = await module.C_GenerateKeyAsync(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, EPHEMERAL_KEY);
      created.push(ephemeral);
      const wrappedAesKey = await module.C_WrapKeyAsync(session, mechanism, workload, ephemeral, Buffer.alloc(Math.ceil(bits / 8)));
      const wrappedKey = await module.C_WrapKeyAsync(
        session,
        { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD },
        ephemeral,
        held,
        Buffer.alloc(WRAPPED_KEY_BUFFER_BYTES),
      );
      return { ciphertext: bytesToBase64Url(Buffer.concat([wrappedAesKey, wrappedKey])) };
    } catch (error) {
      if (ckrName(error) === "CKR_KEY_UNEXTRACTABLE") {
        throw new BridgeFailure("BadParameter", "the key is not extractable: it was not made exportable", "release-wrap: CKR_KEY_UNEXTRACTABLE", "CKR_KEY_UNEXTRACTABLE");
      }
      throw failureFromPkcs11(error, "release wrap");
    } finally {
      for (const handle of created.reverse()) destroyQuietly(module, session, handle);
    }
  });
}

function bitLength(bytes: Buffer): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start) * 8 - (Math.clz32(bytes[start] ?? 0) - 24);
}
