import { base64UrlToBytes } from "../bytes.ts";
import { aesCbcDecrypt, aesCbcEncrypt, type AesCbcAlgorithm } from "../encrypt/aes-cbc.ts";
import { aesGcmDecrypt, aesGcmEncrypt, type AesGcmAlgorithm } from "../encrypt/aes-gcm.ts";
import { prepareAesKey, type AesKey } from "../encrypt/aes-key.ts";
import { aesKeyUnwrap, aesKeyWrap, type AesKeyWrapAlgorithm } from "../encrypt/aes-key-wrap.ts";
import { DecryptionFailed } from "../encrypt/decryption-failed.ts";
import { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm, type RsaEncryptionAlgorithm } from "../encrypt/encryption-algorithms.ts";
import { RsaEncryptionKey } from "../encrypt/rsa-encryption.ts";
import type { EncryptOutput, KeyProvider, SoftwareKeyHandle } from "./key-provider.ts";
import type { PrivateJwk } from "../keys/key-types.ts";
import { ecSignDigest, ecVerifyDigest, prepareEcSigningKey, type EcSigningKey } from "../sign/ec-digest-signature.ts";
import { hmacSignDigest, hmacVerifyDigest, prepareHmacKey, type HmacKey } from "../sign/hmac-signature.ts";
import { prepareRsaSigningKey, rsaSignDigest, rsaVerifyDigest, type RsaSigningKey } from "../sign/rsa-digest-signature.ts";
import {
  SIGNATURE_ALGORITHMS,
  type EcSignatureAlgorithm,
  type HmacSignatureAlgorithm,
  type RsaSignatureAlgorithm,
  type SignatureAlgorithm,
} from "../sign/signature-algorithms.ts";

/**
 * One key version made ready for each use it has been put to. Parsing and importing cost about as much
 * as an operation (DESIGN.md §4), so each form is built once, on first use, and kept.
 */
class PreparedKey {
  private rsaSign?: RsaSigningKey;
  private rsaEncryption?: RsaEncryptionKey;
  private ec?: EcSigningKey;
  private hmac?: Promise<HmacKey>;
  private aes?: AesKey;

  constructor(private readonly jwk: PrivateJwk) {}

  rsaSigning(): RsaSigningKey {
    if (this.jwk.kty !== "RSA") throw new Error("not an RSA key");
    return (this.rsaSign ??= prepareRsaSigningKey(this.jwk));
  }

  rsaCipher(): RsaEncryptionKey {
    if (this.jwk.kty !== "RSA") throw new Error("not an RSA key");
    return (this.rsaEncryption ??= RsaEncryptionKey.fromPrivateJwk(this.jwk));
  }

  ecSigning(): EcSigningKey {
    if (this.jwk.kty !== "EC") throw new Error("not an EC key");
    return (this.ec ??= prepareEcSigningKey(this.jwk));
  }

  hmacKey(): Promise<HmacKey> {
    if (this.jwk.kty !== "oct") throw new Error("not an oct key");
    return (this.hmac ??= prepareHmacKey(this.jwk));
  }

  aesKey(): AesKey {
    if (this.jwk.kty !== "oct") throw new Error("not an oct key");
    return (this.aes ??= prepareAesKey(base64UrlToBytes(this.jwk.k) ?? new Uint8Array()));
  }
}

/** How many prepared keys one isolate keeps; the least recently used go first. */
const CACHE_LIMIT = 512;

/** Keys held in this Worker's memory, used with WebCrypto, node:crypto and @noble (DESIGN.md §4). */
export class SoftwareKeyProvider implements KeyProvider<SoftwareKeyHandle> {
  private readonly cache = new Map<string, Promise<PreparedKey>>();

  async sign(key: SoftwareKeyHandle, alg: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    switch (SIGNATURE_ALGORITHMS[alg].family) {
      case "RSA":
        return rsaSignDigest(alg as RsaSignatureAlgorithm, prepared.rsaSigning(), digest);
      case "EC":
        return ecSignDigest(alg as EcSignatureAlgorithm, prepared.ecSigning(), digest);
      case "oct":
        return hmacSignDigest(alg as HmacSignatureAlgorithm, await prepared.hmacKey(), new Uint8Array(digest));
    }
  }

  async verify(key: SoftwareKeyHandle, alg: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const prepared = await this.prepared(key);
    switch (SIGNATURE_ALGORITHMS[alg].family) {
      case "RSA":
        return rsaVerifyDigest(alg as RsaSignatureAlgorithm, prepared.rsaSigning(), digest, signature);
      case "EC":
        return ecVerifyDigest(alg as EcSignatureAlgorithm, prepared.ecSigning(), digest, signature);
      case "oct":
        return hmacVerifyDigest(alg as HmacSignatureAlgorithm, await prepared.hmacKey(), new Uint8Array(digest), new Uint8Array(signature));
    }
  }

  async encrypt(key: SoftwareKeyHandle, alg: EncryptionAlgorithm, plaintext: Uint8Array, options: { iv?: Uint8Array; aad?: Uint8Array }): Promise<EncryptOutput> {
    const prepared = await this.prepared(key);
    switch (ENCRYPTION_ALGORITHMS[alg].family) {
      case "rsa":
        return { value: await prepared.rsaCipher().encrypt(alg as RsaEncryptionAlgorithm, plaintext) };
      case "aes-gcm": {
        const sealed = await aesGcmEncrypt(alg as AesGcmAlgorithm, prepared.aesKey(), plaintext, options.aad);
        return { value: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag };
      }
      case "aes-cbc": {
        const out = aesCbcEncrypt(alg as AesCbcAlgorithm, prepared.aesKey(), plaintext, options.iv);
        return { value: out.ciphertext, iv: out.iv };
      }
      case "aes-kw":
        throw new Error(`${alg} is a key-wrap algorithm`);
    }
  }

  async decrypt(
    key: SoftwareKeyHandle,
    alg: EncryptionAlgorithm,
    ciphertext: Uint8Array,
    options: { iv?: Uint8Array; aad?: Uint8Array; tag?: Uint8Array },
  ): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    switch (ENCRYPTION_ALGORITHMS[alg].family) {
      case "rsa":
        return prepared.rsaCipher().decrypt(alg as RsaEncryptionAlgorithm, ciphertext);
      case "aes-gcm":
        return aesGcmDecrypt(alg as AesGcmAlgorithm, prepared.aesKey(), { ciphertext, iv: options.iv, tag: options.tag, aad: options.aad });
      case "aes-cbc":
        return aesCbcDecrypt(alg as AesCbcAlgorithm, prepared.aesKey(), ciphertext, options.iv);
      case "aes-kw":
        throw new DecryptionFailed();
    }
  }

  async wrap(key: SoftwareKeyHandle, alg: EncryptionAlgorithm, keyToWrap: Uint8Array): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    const family = ENCRYPTION_ALGORITHMS[alg].family;
    if (family === "rsa") return prepared.rsaCipher().encrypt(alg as RsaEncryptionAlgorithm, keyToWrap);
    if (family === "aes-kw") return aesKeyWrap(alg as AesKeyWrapAlgorithm, prepared.aesKey(), keyToWrap);
    throw new Error(`${alg} is not a key-wrap algorithm`);
  }

  async unwrap(key: SoftwareKeyHandle, alg: EncryptionAlgorithm, wrapped: Uint8Array): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    const family = ENCRYPTION_ALGORITHMS[alg].family;
    if (family === "rsa") return prepared.rsaCipher().decrypt(alg as RsaEncryptionAlgorithm, wrapped);
    if (family === "aes-kw") return aesKeyUnwrap(alg as AesKeyWrapAlgorithm, prepared.aesKey(), wrapped);
    throw new DecryptionFailed();
  }

  /** Forgets a key version (its material changed hands or was purged). */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private prepared(key: SoftwareKeyHandle): Promise<PreparedKey> {
    let entry = this.cache.get(key.id);
    if (entry === undefined) {
      entry = key.material().then((jwk) => new PreparedKey(jwk));
      entry.catch(() => this.cache.delete(key.id));
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    } else {
      this.cache.delete(key.id); // re-insert: Map order is the LRU order
    }
    this.cache.set(key.id, entry);
    return entry;
  }
}
