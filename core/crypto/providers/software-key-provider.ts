import { base64UrlToBytes } from "../bytes.ts";
import { aesCbcDecrypt, aesCbcEncrypt } from "../encrypt/aes-cbc.ts";
import { aesGcmDecrypt, aesGcmEncrypt } from "../encrypt/aes-gcm.ts";
import { prepareAesKey, type AesKey } from "../encrypt/aes-key.ts";
import { aesKeyUnwrap, aesKeyWrap } from "../encrypt/aes-key-wrap.ts";
import { DecryptionFailed } from "../encrypt/decryption-failed.ts";
import type { EncryptionEntry } from "../encrypt/encryption-algorithms.ts";
import { RsaEncryptionKey } from "../encrypt/rsa-encryption.ts";
import type { DecryptOptions, EncryptOptions, EncryptOutput, KeyBackend, SoftwareKeyHandle } from "./key-provider.ts";
import type { PrivateJwk } from "../keys/key-types.ts";
import { LruCache } from "./lru-cache.ts";
import { ecSignDigest, ecVerifyDigest, prepareEcSigningKey, type EcSigningKey } from "../sign/ec-digest-signature.ts";
import { hmacSignDigest, hmacVerifyDigest, prepareHmacKey, type HmacKey } from "../sign/hmac-signature.ts";
import { prepareRsaSigningKey, rsaSignDigest, rsaVerifyDigest, type RsaSigningKey } from "../sign/rsa-digest-signature.ts";
import type { SignatureEntry } from "../sign/signature-algorithms.ts";

/**
 * One key version made ready for each use it has been put to. Parsing and importing cost about as much
 * as an operation (docs/decisions.md §3.3), so each form is built once, on first use, and kept.
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

/** Keys held in this Worker's memory, used with WebCrypto, node:crypto and @noble (docs/decisions.md §3). */
export class SoftwareKeyProvider implements KeyBackend<SoftwareKeyHandle> {
  private readonly cache = new LruCache<Promise<PreparedKey>>(CACHE_LIMIT);

  async sign(key: SoftwareKeyHandle, entry: SignatureEntry, digest: Uint8Array): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    switch (entry.family) {
      case "RSA":
        return rsaSignDigest(entry.alg, prepared.rsaSigning(), digest);
      case "EC":
        return ecSignDigest(entry.alg, prepared.ecSigning(), digest);
      case "oct":
        return hmacSignDigest(entry.alg, await prepared.hmacKey(), new Uint8Array(digest));
    }
  }

  async verify(key: SoftwareKeyHandle, entry: SignatureEntry, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const prepared = await this.prepared(key);
    switch (entry.family) {
      case "RSA":
        return rsaVerifyDigest(entry.alg, prepared.rsaSigning(), digest, signature);
      case "EC":
        return ecVerifyDigest(entry.alg, prepared.ecSigning(), digest, signature);
      case "oct":
        return hmacVerifyDigest(entry.alg, await prepared.hmacKey(), new Uint8Array(digest), new Uint8Array(signature));
    }
  }

  async encrypt(key: SoftwareKeyHandle, entry: EncryptionEntry, plaintext: Uint8Array, options: EncryptOptions): Promise<EncryptOutput> {
    const prepared = await this.prepared(key);
    switch (entry.family) {
      case "rsa":
        return { value: await prepared.rsaCipher().encrypt(entry.alg, plaintext) };
      case "aes-gcm": {
        const sealed = await aesGcmEncrypt(entry.alg, prepared.aesKey(), plaintext, options.aad);
        return { value: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag };
      }
      case "aes-cbc": {
        const out = aesCbcEncrypt(entry.alg, prepared.aesKey(), plaintext, options.iv);
        return { value: out.ciphertext, iv: out.iv };
      }
      case "aes-kw":
        throw new Error(`${entry.alg} is a key-wrap algorithm`);
    }
  }

  async decrypt(key: SoftwareKeyHandle, entry: EncryptionEntry, ciphertext: Uint8Array, options: DecryptOptions): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    switch (entry.family) {
      case "rsa":
        return prepared.rsaCipher().decrypt(entry.alg, ciphertext);
      case "aes-gcm":
        return aesGcmDecrypt(entry.alg, prepared.aesKey(), { ciphertext, iv: options.iv, tag: options.tag, aad: options.aad });
      case "aes-cbc":
        return aesCbcDecrypt(entry.alg, prepared.aesKey(), ciphertext, options.iv);
      case "aes-kw":
        throw new DecryptionFailed();
    }
  }

  async wrap(key: SoftwareKeyHandle, entry: EncryptionEntry, keyToWrap: Uint8Array): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    if (entry.family === "rsa") return prepared.rsaCipher().encrypt(entry.alg, keyToWrap);
    if (entry.family === "aes-kw") return aesKeyWrap(entry.alg, prepared.aesKey(), keyToWrap);
    throw new Error(`${entry.alg} is not a key-wrap algorithm`);
  }

  async unwrap(key: SoftwareKeyHandle, entry: EncryptionEntry, wrapped: Uint8Array): Promise<Uint8Array> {
    const prepared = await this.prepared(key);
    if (entry.family === "rsa") return prepared.rsaCipher().decrypt(entry.alg, wrapped);
    if (entry.family === "aes-kw") return aesKeyUnwrap(entry.alg, prepared.aesKey(), wrapped);
    throw new DecryptionFailed();
  }

  /** Forgets a key version (its material changed hands or was purged). */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private prepared(key: SoftwareKeyHandle): Promise<PreparedKey> {
    return this.cache.getPromise(key.id, () => key.material().then((jwk) => new PreparedKey(jwk)));
  }
}
