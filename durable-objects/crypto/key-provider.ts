import type { EncryptionAlgorithm } from "./encrypt/encryption-algorithms.ts";
import type { PrivateJwk } from "./keys/key-types.ts";
import type { SignatureAlgorithm } from "./sign/signature-algorithms.ts";

/**
 * The seam between key management and the code that holds keys (DESIGN.md §3). Everything else —
 * versions, attributes, key_ops, rotation, soft delete, RBAC — is shared and does not know which
 * provider runs. Software keys are the first implementation; HSM keys (the PKCS#11 bridge) the second.
 * Inputs arrive validated for shape (algorithm fits the key, digest length, iv/tag sizes).
 */
export interface KeyHandle {
  /** Stable per key version (tenant/vault/name/version): what prepared keys are cached under. */
  readonly id: string;
  /** Opens the sealed material; called at most once per cache lifetime. */
  material(): Promise<PrivateJwk>;
}

export interface EncryptOutput {
  readonly value: Uint8Array;
  readonly iv?: Uint8Array;
  readonly tag?: Uint8Array;
}

export interface KeyProvider {
  /** Signs a digest (Azure signs digests; the provider must not hash again). */
  sign(key: KeyHandle, alg: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array>;
  /** Never throws for a bad signature: false. */
  verify(key: KeyHandle, alg: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array): Promise<boolean>;
  encrypt(key: KeyHandle, alg: EncryptionAlgorithm, plaintext: Uint8Array, options: { iv?: Uint8Array; aad?: Uint8Array }): Promise<EncryptOutput>;
  /** Every failure is the one generic DecryptionFailed. */
  decrypt(
    key: KeyHandle,
    alg: EncryptionAlgorithm,
    ciphertext: Uint8Array,
    options: { iv?: Uint8Array; aad?: Uint8Array; tag?: Uint8Array },
  ): Promise<Uint8Array>;
  wrap(key: KeyHandle, alg: EncryptionAlgorithm, keyToWrap: Uint8Array): Promise<Uint8Array>;
  unwrap(key: KeyHandle, alg: EncryptionAlgorithm, wrapped: Uint8Array): Promise<Uint8Array>;
}
