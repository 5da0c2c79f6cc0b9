/** POST /keys/{id}/sign: a digest in, a raw signature out (RSA: k bytes; ECDSA: r‖s, RFC 7518 §3.4). */
import type { SignRequest, SignResponse } from "../../bridge-client/types.ts";
import { encodeBase64url } from "../../bridge-client/base64url.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter, BridgeFailure } from "../failure.ts";
import type { StoredKey } from "../keys/key-store.ts";
import { pkcs11js, type Mechanism, type RsaPSS } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { HASHES, PKCS1_V15_OVERHEAD, SIGNATURE_ALGORITHMS, type SignatureDescriptor } from "./sign-algorithms.ts";

/** Room for an RSA-16384 signature or a P-521 r‖s, whichever token is behind the bridge. */
const SIGNATURE_BUFFER_BYTES = 2048;

export async function sign(context: BridgeContext, id: string, request: SignRequest): Promise<SignResponse> {
  const descriptor = SIGNATURE_ALGORITHMS[request.alg];
  const digest = Buffer.from(request.digest, "base64url");
  return context.keys.withKey(id, async (session, key) => {
    const { mechanism, input } = prepare(descriptor, key, digest);
    if (key.privateKey === undefined) throw badParameter(`${request.alg} needs an ${descriptor.family} key`);
    const { module } = context.token;
    try {
      module.C_SignInit(session, mechanism, key.privateKey);
      const signature = await module.C_SignAsync(session, input, Buffer.alloc(SIGNATURE_BUFFER_BYTES));
      return { signature: encodeBase64url(signature) };
    } catch (error) {
      throw failureFromPkcs11(error, "sign");
    }
  });
}

/** Checks the key fits the algorithm and the digest its hash (DESIGN.md §6.5), and builds the token's input. */
function prepare(descriptor: SignatureDescriptor, key: StoredKey, digest: Buffer): { mechanism: Mechanism; input: Buffer } {
  if (key.kty !== descriptor.family) throw badParameter(`algorithm needs an ${descriptor.family} key`);
  if (descriptor.family === "EC") {
    if (key.curve?.name !== descriptor.curve) throw badParameter(`algorithm needs a ${descriptor.curve} key`);
    assertDigestLength(digest, HASHES[descriptor.hash].bytes);
    return { mechanism: { mechanism: pkcs11js.CKM_ECDSA }, input: digest };
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
    return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter }, input: digest };
  }
  const modulusBytes = Math.ceil((key.size ?? 0) / 8);
  if (descriptor.hash === null) {
    if (digest.length === 0 || digest.length > modulusBytes - PKCS1_V15_OVERHEAD) {
      throw badParameter(`RSNULL signs 1 to ${modulusBytes - PKCS1_V15_OVERHEAD} bytes with this key`);
    }
    return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS }, input: digest };
  }
  const hash = HASHES[descriptor.hash];
  assertDigestLength(digest, hash.bytes);
  return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS }, input: Buffer.concat([hash.digestInfoPrefix, digest]) };
}

function assertDigestLength(digest: Buffer, bytes: number): void {
  if (digest.length !== bytes) throw new BridgeFailure("BadParameter", `digest must be ${bytes} bytes for this algorithm`);
}
