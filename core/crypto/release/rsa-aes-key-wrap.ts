import { concatBytes } from "../bytes.ts";
import { aesKeyWrap } from "../encrypt/aes-key-wrap.ts";
import { prepareAesKey } from "../encrypt/aes-key.ts";
import type { RsaPublicJwk } from "../keys/key-types.ts";
import { EPHEMERAL_AES_BYTES, KEY_EXPORT_ALGORITHMS, type KeyExportAlgorithm } from "./export-algorithms.ts";

/**
 * CKM_RSA_AES_KEY_WRAP (PKCS#11 v2.40 §2.1.21) in software: a fresh AES-256 key, RSA-OAEP-encrypted to the
 * workload's key, then the target wrapped by it with RFC 5649 — `OAEP(K) ‖ KWP(K, key)`, which the workload undoes
 * with its private key alone. RSA-OAEP is WebCrypto's; RFC 5649 is core/crypto/encrypt/aes-key-wrap.ts (tested
 * against the RFC's and Wycheproof's vectors). The ephemeral key is wiped when done.
 */
export async function rsaAesKeyWrap(alg: KeyExportAlgorithm, target: RsaPublicJwk, keyBytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const ephemeral = crypto.getRandomValues(new Uint8Array(EPHEMERAL_AES_BYTES));
  try {
    const rsa = await crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: target.n, e: target.e, ext: true },
      { name: "RSA-OAEP", hash: KEY_EXPORT_ALGORITHMS[alg].oaepHash },
      false,
      ["encrypt"],
    );
    const wrappedKek = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, rsa, ephemeral));
    const aes = prepareAesKey(ephemeral);
    const wrappedKey = await aesKeyWrap("CKM_AES_KEY_WRAP_PAD", aes, keyBytes);
    aes.bytes.fill(0);
    return concatBytes(wrappedKek, wrappedKey);
  } finally {
    ephemeral.fill(0);
  }
}
