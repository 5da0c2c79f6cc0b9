/**
 * RSA1_5, RSA-OAEP (SHA-1, MGF1-SHA-1) and RSA-OAEP-256 (SHA-256, MGF1-SHA-256), RFC 8017 §7; the
 * OAEP label is always empty, since Azure's wire has no member for one.
 *
 * - OAEP both ways: WebCrypto (docs/decisions.md §3.2), CryptoKeys imported lazily per hash and kept.
 * - RSA1_5: WebCrypto has no RSAES-PKCS1-v1_5, so `node:crypto` `publicEncrypt`/`privateDecrypt`
 *   with RSA_PKCS1_PADDING. Measured in workerd: PKCS#1 v1.5 decryption is allowed (unlike Node ≥ 20.11,
 *   which refuses it after CVE-2023-46809 unless OpenSSL does implicit rejection), a failure throws
 *   one undifferentiated "Failed to cipher/decipher", and BoringSSL checks the padding in constant
 *   time. A KeyObject is refused inside an options object, so the key goes in as PEM.
 * Every decryption failure, whatever its cause, surfaces as the one DecryptionFailed.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from "node:crypto";
import { VaultError } from "../../errors/vault-error.ts";
import { base64UrlToBytes } from "../bytes.ts";
import { DecryptionFailed, orDecryptionFailed } from "./decryption-failed.ts";
import {
  ENCRYPTION_ALGORITHMS,
  type OaepHash,
  type RsaEncryptionAlgorithm,
  type RsaEncryptionDescriptor,
} from "./encryption-algorithms.ts";

export type { RsaPrivateJwk, RsaPublicJwk } from "../sign/rsa-digest-signature.ts";
import type { RsaPrivateJwk, RsaPublicJwk } from "../sign/rsa-digest-signature.ts";

/** A bare JWK both WebCrypto and node:crypto accept: only RFC 7517 members, all strings. */
type RsaJwk = { readonly kty: "RSA" } & Record<string, string>;

const HASH_BYTES: Readonly<Record<OaepHash, number>> = { "SHA-1": 20, "SHA-256": 32 };
/** RFC 8017 §7.2.1 step 1: EM = 0x00 ‖ 0x02 ‖ PS (≥ 8 bytes) ‖ 0x00 ‖ M, so M ≤ k − 11. */
const PKCS1_OVERHEAD = 11;
const PRIVATE_MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;

function descriptorOf(alg: RsaEncryptionAlgorithm): RsaEncryptionDescriptor {
  return ENCRYPTION_ALGORITHMS[alg];
}

/** RFC 8017 §7.1.1 step 1b (k − 2hLen − 2) and §7.2.1 step 1 (k − 11). */
export function rsaMaxPlaintextBytes(alg: RsaEncryptionAlgorithm, modulusBytes: number): number {
  const { padding, hash } = descriptorOf(alg);
  return padding === "oaep" && hash !== null ? modulusBytes - 2 * HASH_BYTES[hash] - 2 : modulusBytes - PKCS1_OVERHEAD;
}

function invalidKey(): VaultError {
  return new VaultError("BadParameter", "The RSA key is not valid.");
}

/** k in RFC 8017: the modulus length in bytes, leading zero octets not counted. */
function modulusLength(n: string): number {
  const bytes = base64UrlToBytes(n);
  const first = bytes?.findIndex((b) => b !== 0) ?? -1;
  if (bytes === null || first < 0) throw invalidKey();
  return bytes.length - first;
}

/**
 * One RSA key prepared for encryption: built once per key version and cached by the caller (per key
 * id), since key parsing and WebCrypto import cost about as much as an operation (docs/decisions.md §3.3).
 * Holds private material when made from a private JWK, so it lives only in memory.
 */
export class RsaEncryptionKey {
  /** k: the modulus length in bytes, and the length of every ciphertext. */
  readonly modulusBytes: number;
  readonly #publicJwk: RsaJwk;
  readonly #privateJwk: RsaJwk | null;
  readonly #publicPem: string;
  readonly #privatePem: string | null;
  readonly #imports = new Map<string, Promise<CryptoKey>>();

  private constructor(publicJwk: RsaJwk, privateJwk: RsaJwk | null) {
    this.modulusBytes = modulusLength(String(publicJwk.n));
    try {
      this.#publicPem = String(createPublicKey({ key: publicJwk, format: "jwk" }).export({ type: "spki", format: "pem" }));
      this.#privatePem =
        privateJwk === null
          ? null
          : String(createPrivateKey({ key: privateJwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));
    } catch {
      throw invalidKey();
    }
    this.#publicJwk = publicJwk;
    this.#privateJwk = privateJwk;
  }

  static fromPublicJwk(jwk: RsaPublicJwk): RsaEncryptionKey {
    return new RsaEncryptionKey({ kty: "RSA", n: jwk.n, e: jwk.e }, null);
  }

  /** Only the RFC 7517 members are copied, so a stray `alg` or `key_ops` cannot upset the imports. */
  static fromPrivateJwk(jwk: RsaPrivateJwk): RsaEncryptionKey {
    const privateJwk: Record<string, string> = {};
    for (const member of PRIVATE_MEMBERS) {
      const bytes = typeof jwk[member] === "string" ? base64UrlToBytes(jwk[member]) : null;
      if (bytes === null || bytes.length === 0) throw invalidKey();
      privateJwk[member] = jwk[member];
    }
    return new RsaEncryptionKey({ kty: "RSA", n: jwk.n, e: jwk.e }, { ...privateJwk, kty: "RSA" });
  }

  get hasPrivateKey(): boolean {
    return this.#privateJwk !== null;
  }

  /** Too long a plaintext is BadParameter; the limit is public (it follows from k and the algorithm). */
  async encrypt(alg: RsaEncryptionAlgorithm, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const max = rsaMaxPlaintextBytes(alg, this.modulusBytes);
    if (plaintext.length > max) {
      throw new VaultError("BadParameter", `Algorithm ${alg} can encrypt at most ${max} bytes with this key.`);
    }
    const { hash } = descriptorOf(alg);
    if (hash === null) {
      return new Uint8Array(publicEncrypt({ key: this.#publicPem, padding: constants.RSA_PKCS1_PADDING }, plaintext));
    }
    const key = await this.#webCryptoKey(hash, "encrypt");
    return new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, key, new Uint8Array(plaintext)));
  }

  /** Any failure — wrong length, c ≥ n, bad padding, wrong key — is the one DecryptionFailed. */
  async decrypt(alg: RsaEncryptionAlgorithm, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const privatePem = this.#privatePem;
    if (privatePem === null) throw new VaultError("BadParameter", "Decryption needs the private key.");
    // RFC 8017 §7.1.2 step 1b and §7.2.2 step 1: the ciphertext is exactly k octets.
    if (ciphertext.length !== this.modulusBytes) throw new DecryptionFailed();
    const { hash } = descriptorOf(alg);
    if (hash === null) {
      // `return await`: the rejection gets its handler at once (workerd reports it as unhandled otherwise).
      return await orDecryptionFailed(
        () => new Uint8Array(privateDecrypt({ key: privatePem, padding: constants.RSA_PKCS1_PADDING }, ciphertext)),
      );
    }
    const key = await this.#webCryptoKey(hash, "decrypt");
    return await orDecryptionFailed(async () =>
      new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, key, new Uint8Array(ciphertext))),
    );
  }

  #webCryptoKey(hash: OaepHash, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
    const cacheKey = `${hash}/${usage}`;
    let key = this.#imports.get(cacheKey);
    if (key === undefined) {
      const jwk = usage === "encrypt" ? this.#publicJwk : this.#privateJwk;
      if (jwk === null) throw new VaultError("BadParameter", "Decryption needs the private key.");
      key = crypto.subtle.importKey("jwk", jwk, { name: "RSA-OAEP", hash }, false, [usage]);
      this.#imports.set(cacheKey, key);
    }
    return key;
  }
}
