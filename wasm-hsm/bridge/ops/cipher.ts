/** POST /keys/{id}/encrypt and /decrypt: RSA or AES by the algorithm's name. */
import type { DecryptRequest, DecryptResponse, EncryptRequest, EncryptResponse, RsaCipherAlgorithm } from "../../../core/hsm/bridge-client/types.ts";
import { RSA_CIPHER_ALGORITHMS } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter } from "../failure.ts";
import { aesDecrypt, aesEncrypt } from "./aes-cipher.ts";
import { rsaDecrypt, rsaEncrypt } from "./rsa-cipher.ts";

export function isRsaAlgorithm(alg: string): alg is RsaCipherAlgorithm {
  return RSA_CIPHER_ALGORITHMS.some((known) => known === alg);
}

export async function encrypt(context: BridgeContext, id: string, request: EncryptRequest): Promise<EncryptResponse> {
  const plaintext = Buffer.from(request.plaintext, "base64url");
  const { alg } = request;
  if (isRsaAlgorithm(alg)) {
    if (request.iv !== undefined || request.aad !== undefined) throw badParameter("iv and aad are for AES only");
    return context.keys.withKey(id, async (session, key) => ({
      ciphertext: bytesToBase64Url(await rsaEncrypt(context, session, key, alg, plaintext)),
    }));
  }
  const input = { ...optionalBytes("iv", request.iv), ...optionalBytes("aad", request.aad) };
  return context.keys.withKey(id, (session, key) => aesEncrypt(context, session, key, alg, plaintext, input));
}

export async function decrypt(context: BridgeContext, id: string, request: DecryptRequest): Promise<DecryptResponse> {
  const ciphertext = Buffer.from(request.ciphertext, "base64url");
  const { alg } = request;
  if (isRsaAlgorithm(alg)) {
    if (request.iv !== undefined || request.aad !== undefined || request.tag !== undefined) {
      throw badParameter("iv, aad and tag are for AES only");
    }
    return context.keys.withKey(id, async (session, key) => ({
      plaintext: bytesToBase64Url(await rsaDecrypt(context, session, key, alg, ciphertext)),
    }));
  }
  const input = {
    ...optionalBytes("iv", request.iv),
    ...optionalBytes("aad", request.aad),
    ...optionalBytes("tag", request.tag),
  };
  return context.keys.withKey(id, async (session, key) => ({
    plaintext: bytesToBase64Url(await aesDecrypt(context, session, key, alg, ciphertext, input)),
  }));
}

function optionalBytes<K extends string>(name: K, value: string | undefined): Partial<Record<K, Buffer>> {
  return value === undefined ? {} : ({ [name]: Buffer.from(value, "base64url") } as Record<K, Buffer>);
}
