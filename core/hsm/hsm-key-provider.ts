import type { AesCipherAlgorithm, AesWrapAlgorithm, CipherAlgorithm, SignAlgorithm } from "./bridge-client/index.ts";
import { bytesToBase64Url, timingSafeEqual } from "../crypto/bytes.ts";
import { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm, type RsaEncryptionAlgorithm } from "../crypto/encrypt/encryption-algorithms.ts";
import { RsaEncryptionKey } from "../crypto/encrypt/rsa-encryption.ts";
import type { EncryptOutput, HsmKeyHandle, KeyProvider } from "../crypto/providers/key-provider.ts";
import type { PublicJwk } from "../crypto/keys/key-types.ts";
import { ecVerifyDigest, prepareEcVerifyingKey, type EcVerifyingKey } from "../crypto/sign/ec-digest-signature.ts";
import { prepareRsaVerifyingKey, rsaVerifyDigest, type RsaVerifyingKey } from "../crypto/sign/rsa-digest-signature.ts";
import { hmacInputsFit } from "../crypto/sign/hmac-signature.ts";
import {
  SIGNATURE_ALGORITHMS,
  type EcSignatureAlgorithm,
  type HmacSignatureAlgorithm,
  type RsaSignatureAlgorithm,
  type SignatureAlgorithm,
} from "../crypto/sign/signature-algorithms.ts";
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
 * HSM keys through the PKCS#11 bridge (DESIGN.md §3, §5). Private-key and secret-key operations run in the
 * token; the public-key ones (verify, RSA encrypt and wrap) run here on the public JWK, as Azure's SDKs may
 * do themselves, saving a round trip. HS* runs in the token both ways: verifying a MAC is computing it again
 * (RFC 2104) and comparing here in constant time. An HS* request on an AES oct-HSM key, or a cipher request on an
 * HMAC one, is refused by the bridge (oct-hsm-purpose.ts). Every bridge failure leaves as the vault's error
 * (bridge-faults.ts).
 */
export class HsmKeyProvider implements KeyProvider<HsmKeyHandle> {
  private readonly publicKeys = new Map<string, PublicKeys>();
  /** Opened references (CKA_IDs) per key version: opening one is an AES-GCM open under the data key. */
  private readonly tokenIds = new Map<string, Promise<string>>();

  constructor(private readonly bridge: HsmBridge) {}

  async sign(key: HsmKeyHandle, alg: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array> {
    const hsmKeyId = await this.tokenIdOf(key);
    const { signature } = await this.bridge.call((c) => c.sign(hsmKeyId, { alg: alg as SignAlgorithm, digest: bytesToBase64Url(digest) }));
    return bridgeBytes(signature);
  }

  async verify(key: HsmKeyHandle, alg: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    switch (SIGNATURE_ALGORITHMS[alg].family) {
      case "RSA":
        return rsaVerifyDigest(alg as RsaSignatureAlgorithm, this.publicOf(key).rsaVerifying(), digest, signature);
      case "EC":
        return ecVerifyDigest(alg as EcSignatureAlgorithm, this.publicOf(key).ecVerifying(), digest, signature);
      case "oct":
        if (!hmacInputsFit(alg as HmacSignatureAlgorithm, digest.length, signature.length)) return false;
        return timingSafeEqual(await this.sign(key, alg, digest), signature);
    }
  }

  async encrypt(key: HsmKeyHandle, alg: EncryptionAlgorithm, plaintext: Uint8Array, options: { iv?: Uint8Array; aad?: Uint8Array }): Promise<EncryptOutput> {
    if (ENCRYPTION_ALGORITHMS[alg].family === "rsa") {
      return { value: await this.publicOf(key).rsaEncryption().encrypt(alg as RsaEncryptionAlgorithm, plaintext) };
    }
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call((c) =>
      c.encrypt(hsmKeyId, {
        alg: alg as AesCipherAlgorithm,
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

  async decrypt(
    key: HsmKeyHandle,
    alg: EncryptionAlgorithm,
    ciphertext: Uint8Array,
    options: { iv?: Uint8Array; aad?: Uint8Array; tag?: Uint8Array },
  ): Promise<Uint8Array> {
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call(
      (c) =>
        c.decrypt(hsmKeyId, {
          alg: alg as CipherAlgorithm,
          ciphertext: bytesToBase64Url(ciphertext),
          ...(options.iv === undefined ? {} : { iv: bytesToBase64Url(options.iv) }),
          ...(options.aad === undefined ? {} : { aad: bytesToBase64Url(options.aad) }),
          ...(options.tag === undefined ? {} : { tag: bytesToBase64Url(options.tag) }),
        }),
      decryptionErrorOfBridge,
    );
    return bridgeBytes(out.plaintext);
  }

  async wrap(key: HsmKeyHandle, alg: EncryptionAlgorithm, keyToWrap: Uint8Array): Promise<Uint8Array> {
    if (ENCRYPTION_ALGORITHMS[alg].family === "rsa") return this.publicOf(key).rsaEncryption().encrypt(alg as RsaEncryptionAlgorithm, keyToWrap);
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call((c) => c.wrap(hsmKeyId, { alg: alg as AesWrapAlgorithm, key: bytesToBase64Url(keyToWrap) }));
    return bridgeBytes(out.wrapped);
  }

  async unwrap(key: HsmKeyHandle, alg: EncryptionAlgorithm, wrapped: Uint8Array): Promise<Uint8Array> {
    const hsmKeyId = await this.tokenIdOf(key);
    const out = await this.bridge.call(
      (c) => c.unwrap(hsmKeyId, { alg: alg as AesWrapAlgorithm | RsaEncryptionAlgorithm, wrapped: bytesToBase64Url(wrapped) }),
      decryptionErrorOfBridge,
    );
    return bridgeBytes(out.key);
  }

  private publicOf(key: HsmKeyHandle): PublicKeys {
    const jwk = key.publicJwk;
    if (jwk === undefined) throw new Error("an HSM key without a public JWK has no public-key operations");
    return cached(this.publicKeys, key.id, () => new PublicKeys(jwk));
  }

  private tokenIdOf(key: HsmKeyHandle): Promise<string> {
    return cached(this.tokenIds, key.id, () => {
      const opened = key.reference().then((r) => r.hsmKeyId);
      opened.catch(() => this.tokenIds.delete(key.id));
      return opened;
    });
  }
}

/** An LRU entry: made on first use, the least recently used dropped past CACHE_LIMIT (Map order is use order). */
function cached<T>(cache: Map<string, T>, id: string, make: () => T): T {
  let entry = cache.get(id);
  if (entry === undefined) {
    entry = make();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  } else {
    cache.delete(id);
  }
  cache.set(id, entry);
  return entry;
}
