/**
 * POST /keys/{id}/sign: a digest in, a raw signature out (RSA: k bytes; ECDSA: r‖s, RFC 7518 §3.4; HMAC: the
 * hash-length MAC, RFC 7518 §3.2).
 */
import type { SignAlgorithm, SignRequest, SignResponse } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter, BridgeFailure } from "../failure.ts";
import type { StoredKey } from "../keys/key-store.ts";
import { pkcs11js, type Handle, type Mechanism, type RsaPSS } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import {
  HASHES,
  PKCS1_V15_OVERHEAD,
  SIGNATURE_ALGORITHMS,
  type HmacSignature,
  type SignatureDescriptor,
} from "./sign-algorithms.ts";

/** Room for an RSA-16384 signature or a P-521 r‖s, whichever token is behind the bridge. */
const SIGNATURE_BUFFER_BYTES = 2048;

const KEY_NEEDED: Readonly<Record<SignatureDescriptor["family"], string>> = {
  RSA: "an RSA key",
  EC: "an EC key",
  oct: "an HMAC key (oct, purpose hmac)",
};

interface Prepared {
  readonly mechanism: Mechanism;
  readonly input: Buffer;
  /** The private key, or the secret key for HMAC. */
  readonly signingKey: Handle;
}

export async function sign(context: BridgeContext, id: string, request: SignRequest): Promise<SignResponse> {
  const descriptor = SIGNATURE_ALGORITHMS[request.alg];
  const digest = Buffer.from(request.digest, "base64url");
  return context.keys.withKey(id, async (session, key) => {
    const { mechanism, input, signingKey } = prepare(request.alg, descriptor, key, digest);
    const { module } = context.token;
    try {
      module.C_SignInit(session, mechanism, signingKey);
      const signature = await module.C_SignAsync(session, input, Buffer.alloc(SIGNATURE_BUFFER_BYTES));
      return { signature: bytesToBase64Url(signature) };
    } catch (error) {
      throw failureFromPkcs11(error, "sign");
    }
  });
}

/** Checks the key fits the algorithm and the digest its hash (docs/decisions.md §6.3), and builds the token's input. */
function prepare(alg: SignAlgorithm, descriptor: SignatureDescriptor, key: StoredKey, digest: Buffer): Prepared {
  if (key.kty !== descriptor.family) throw badParameter(`${alg} needs ${KEY_NEEDED[descriptor.family]}`);
  if (descriptor.family === "oct") return prepareHmac(alg, descriptor, key, digest);
  if (key.privateKey === undefined) throw badParameter(`${alg} needs ${KEY_NEEDED[descriptor.family]}`);
  const signingKey = key.privateKey;
  if (descriptor.family === "EC") {
    if (key.curve?.name !== descriptor.curve) throw badParameter(`algorithm needs a ${descriptor.curve} key`);
    assertDigestLength(digest, HASHES[descriptor.hash].bytes);
    return { mechanism: { mechanism: pkcs11js.CKM_ECDSA }, input: digest, signingKey };
  }
  if (descriptor.scheme === "pss") {
    const hash = HASHES[descriptor.hash];
    assertDigestLength(digest, hash.bytes);
    const parameter: RsaPSS = {
      type: pkcs11js.CK_PARAMS_RSA_PSS,
      hashAlg: hash.mechanism,
      mgf: hash.mgf,
      saltLen: descriptor.saltBytes,
    };
    return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter }, input: digest, signingKey };
  }
  const modulusBytes = Math.ceil((key.size ?? 0) / 8);
  if (descriptor.hash === null) {
    if (digest.length === 0 || digest.length > modulusBytes - PKCS1_V15_OVERHEAD) {
      throw badParameter(`RSNULL signs 1 to ${modulusBytes - PKCS1_V15_OVERHEAD} bytes with this key`);
    }
    return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS }, input: digest, signingKey };
  }
  const hash = HASHES[descriptor.hash];
  assertDigestLength(digest, hash.bytes);
  return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS }, input: Buffer.concat([hash.digestInfoPrefix, digest]), signingKey };
}

/**
 * RFC 7518 §3.2: "A key of the same size as the hash output ... or larger MUST be used". Checked here, as PKCS#11's
 * CKM_SHAx_HMAC sets no such floor for every token, and SoftHSM2 answers a short key with CKR_KEY_SIZE_RANGE, which
 * does not tell the caller what the algorithm needs.
 */
function prepareHmac(alg: SignAlgorithm, descriptor: HmacSignature, key: StoredKey, digest: Buffer): Prepared {
  if (key.purpose !== "hmac" || key.secretKey === undefined) {
    throw badParameter(`${alg} needs ${KEY_NEEDED.oct}; this oct key is for AES`);
  }
  const hash = HASHES[descriptor.hash];
  const hashBits = hash.bytes * 8;
  if ((key.size ?? 0) < hashBits) {
    throw badParameter(`${alg} needs an HMAC key of at least ${hashBits} bits (RFC 7518 §3.2); this one has ${key.size ?? 0}`);
  }
  assertDigestLength(digest, hash.bytes);
  return { mechanism: { mechanism: descriptor.mechanism }, input: digest, signingKey: key.secretKey };
}

function assertDigestLength(digest: Buffer, bytes: number): void {
  if (digest.length !== bytes) throw new BridgeFailure("BadParameter", `digest must be ${bytes} bytes for this algorithm`);
}
