import { bytesToBase64Url, timingSafeEqual } from "../crypto/bytes.ts";
import { DecryptionFailed } from "../crypto/encrypt/decryption-failed.ts";
import type { EncryptionEntry } from "../crypto/encrypt/encryption-algorithms.ts";
import { RsaEncryptionKey } from "../crypto/encrypt/rsa-encryption.ts";
import type { DecryptOptions, EncryptOptions, EncryptOutput, HsmKeyHandle, KeyBackend } from "../crypto/providers/key-provider.ts";
import { LruCache } from "../crypto/providers/lru-cache.ts";
import type { PublicJwk } from "../crypto/keys/key-types.ts";
import { ecVerifyDigest, prepareEcVerifyingKey, type EcVerifyingKey } from "../crypto/sign/ec-digest-signature.ts";
import { prepareRsaVerifyingKey, rsaVerifyDigest, type RsaVerifyingKey } from "../crypto/sign/rsa-digest-signature.ts";
import { hmacInputsFit } from "../crypto/sign/hmac-signature.ts";
import type { SignatureEntry } from "../crypto/sign/signature-algorithms.ts";
import { bridgeBytes, decryptionErrorOfBridge } from "./bridge-faults.ts";
import type { HsmBridge } from "./hsm-bridge.ts";

/** Public halves prepared for local use, per key version, like the software provider's cache. */
class PublicKeys {
  private rsaVerify?: RsaVerifyingKey;
  private rsaCipher?: RsaEncryptionKey;
  private ec?: EcVerifyingKey;

  constructor(private readonly jwk: PublicJwk) {}

  rsaVerifying(): RsaVerifyingKey {
    if (this.jwk.kty !== "RSA") throw new Error("not an RSA key");
    return (this.rsaVerify ??= prepareRsaVerifyingKey(this.jwk));
  }

  rsaEncryption(): RsaEncryptionKey {
    if (this.jwk.kty !== "RSA") throw new Error("not an RSA key");
    return (this.rsaCipher ??= RsaEncryptionKey.fromPublicJwk(this.jwk));
  }

  ecVerifying(): EcVerifyingKey {
    if (this.jwk.kty !== "EC") throw new Error("not an EC key");
    return (this.ec ??= prepareEcVerifyingKey(this.jwk));
  }
}

const CACHE_LIMIT = 512;

/**
 * HSM keys through the PKCS#11 bridge (docs/decisions.md §2.1, §4). Private-key and secret-key operations run in the
 * token; the public-key ones (verify, RSA encrypt and wrap) run here on the public JWK, as Azure's SDKs may
 * do themselves, saving a round trip. HS* runs in the token both ways: verifying a MAC is computing it again
 * (RFC 2104) and comparing here in constant time. An HS* request on an AES oct-HSM key, or a cipher request on an
 * HMAC one, is refused by the bridge (oct-hsm-purpose.ts). Every bridge failure leaves as the vault's error
 * (bridge-faults.ts).
 */
export class HsmKeyProvider implements KeyBackend<HsmKeyHandle> {
  private readonly publicKeys = new LruCache<PublicKeys>(CACHE_LIMIT);
  /** Opened references (CKA_IDs) per key version: opening one is an AES-GCM open under the data key. */
  private readonly tokenIds = new LruCache<Promise<string>>(CACHE_LIMIT);

  constructor(private readonly bridge: HsmBridge) {}

  async sign(key: HsmKeyHandle, entry: SignatureEntry, digest: Uint8Array): Promise<Uint8Array> {
    const hsmKeyId = await this.tokenIdOf(key);
    const { signature } = await this.bridge.call((c) => c.sign(hsmKeyId, { alg: entry.alg, digest: bytesToBase64Url(digest) }));
    return bridgeBytes(signature);
  }

  async verify(key: HsmKeyHandle, entry: SignatureEntry, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    switch (entry.family) {
      case "RSA":
        return rsaVerifyDigest(entry.alg, this.publicOf(key).rsaVerifying(), digest, signature);
      case "EC":
        return ecVerifyDigest(entry.alg, this.publicOf(key).ecVerifying(), digest, signature);
      case "oct":
        if (!hmacInputsFit(entry.alg, digest.length, signature.length)) return false;
        return timingSafeEqual(await this.sign(key, entry, digest), signature);
    }
  }

  async encrypt(key: HsmKeyHandle, entry: EncryptionEntry, plaintext: Uint8Array, options: EncryptOptions): Promise<EncryptOutput> {
    if (entry.family === "rsa") {
      return { value: await this.publicOf(key).rsaEncryption().encrypt(entry.alg, plaintext) };
    }
    if (entry.family === "aes-kw") throw new Error(`${entry.alg} is a key-wrap algorithm`);
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call((c) =>
      c.encrypt(hsmKeyId, {
        alg: entry.alg,
        plaintext: bytesToBase64Url(plaintext),
        ...(options.iv === undefined ? {} : { iv: bytesToBase64Url(options.iv) }),
        ...(options.aad === undefined ? {} : { aad: bytesToBase64Url(options.aad) }),
      }),
    );
    return {
      value: bridgeBytes(out.ciphertext),
      ...(out.iv === undefined ? {} : { iv: bridgeBytes(out.iv) }),
      ...(out.tag === undefined ? {} : { tag: bridgeBytes(out.tag) }),
    };
  }

  async decrypt(key: HsmKeyHandle, entry: EncryptionEntry, ciphertext: Uint8Array, options: DecryptOptions): Promise<Uint8Array> {
    if (entry.family === "aes-kw") throw new DecryptionFailed();
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call(
      (c) =>
        c.decrypt(hsmKeyId, {
          alg: entry.alg,
          ciphertext: bytesToBase64Url(ciphertext),
          ...(options.iv === undefined ? {} : { iv: bytesToBase64Url(options.iv) }),
          ...(options.aad === undefined ? {} : { aad: bytesToBase64Url(options.aad) }),
          ...(options.tag === undefined ? {} : { tag: bytesToBase64Url(options.tag) }),
        }),
      decryptionErrorOfBridge,
    );
    return bridgeBytes(out.plaintext);
  }

  async wrap(key: HsmKeyHandle, entry: EncryptionEntry, keyToWrap: Uint8Array): Promise<Uint8Array> {
    if (entry.family === "rsa") return this.publicOf(key).rsaEncryption().encrypt(entry.alg, keyToWrap);
    if (entry.family !== "aes-kw") throw new Error(`${entry.alg} is not a key-wrap algorithm`);
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call((c) => c.wrap(hsmKeyId, { alg: entry.alg, key: bytesToBase64Url(keyToWrap) }));
    return bridgeBytes(out.wrapped);
  }

  async unwrap(key: HsmKeyHandle, entry: EncryptionEntry, wrapped: Uint8Array): Promise<Uint8Array> {
    if (entry.family !== "rsa" && entry.family !== "aes-kw") throw new DecryptionFailed();
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call(
      (c) => c.unwrap(hsmKeyId, { alg: entry.alg, wrapped: bytesToBase64Url(wrapped) }),
      decryptionErrorOfBridge,
    );
    return bridgeBytes(out.key);
  }

  private publicOf(key: HsmKeyHandle): PublicKeys {
    const jwk = key.publicJwk;
    if (jwk === undefined) throw new Error("an HSM key without a public JWK has no public-key operations");
    return this.publicKeys.get(key.id, () => new PublicKeys(jwk));
  }

  private tokenIdOf(key: HsmKeyHandle): Promise<string> {
    return this.tokenIds.getPromise(key.id, () => key.reference().then((r) => r.hsmKeyId));
  }
}
