import type { EncryptionAlgorithm, EncryptionEntry } from "../encrypt/encryption-algorithms.ts";
import type { HsmKeyReference } from "../../hsm/hsm-key-reference.ts";
import type { PrivateJwk, PublicJwk } from "../keys/key-types.ts";
import type { SignatureAlgorithm, SignatureEntry } from "../sign/signature-algorithms.ts";

/**
 * The seam between key management and the code that holds keys (docs/decisions.md §2.1). Everything else —
 * versions, attributes, key_ops, rotation, soft delete, RBAC — is shared and does not know which
 * provider runs. Software keys are the first implementation; HSM keys (the PKCS#11 bridge) the second.
 * Inputs arrive validated for shape (algorithm fits the key, digest length, iv/tag sizes).
 */
export interface SoftwareKeyHandle {
  readonly kind: "software";
  /** Stable per key version (tenant/vault/name/version): what prepared keys are cached under. */
  readonly id: string;
  /** Opens the sealed material; called at most once per cache lifetime. */
  material(): Promise<PrivateJwk>;
}

/** A key held by the HSM: the vault knows its token object only by its random CKA_ID (docs/decisions.md §4.5). */
export interface HsmKeyHandle {
  readonly kind: "hsm";
  readonly id: string;
  /** Opens the sealed reference to the token object. */
  reference(): Promise<HsmKeyReference>;
  /** RSA {n,e} or EC {crv,x,y}: public-key operations (verify, RSA encrypt and wrap) run here, not in the HSM. */
  readonly publicJwk?: PublicJwk;
}

export type KeyHandle = SoftwareKeyHandle | HsmKeyHandle;

export interface EncryptOutput {
  readonly value: Uint8Array;
  readonly iv?: Uint8Array;
  readonly tag?: Uint8Array;
}

export interface EncryptOptions {
  readonly iv?: Uint8Array;
  readonly aad?: Uint8Array;
}
export interface DecryptOptions extends EncryptOptions {
  readonly tag?: Uint8Array;
}

/**
 * The operations on a held key, over a handle type and over how the algorithm is named: by name for the vault's
 * operations, by table entry for the implementations.
 */
interface KeyOperations<H extends KeyHandle, Sign, Cipher> {
  /** Signs a digest (Azure signs digests; the provider must not hash again). */
  sign(key: H, alg: Sign, digest: Uint8Array): Promise<Uint8Array>;
  /** Never throws for a bad signature: false. */
  verify(key: H, alg: Sign, digest: Uint8Array, signature: Uint8Array): Promise<boolean>;
  encrypt(key: H, alg: Cipher, plaintext: Uint8Array, options: EncryptOptions): Promise<EncryptOutput>;
  /** Every failure is the one generic DecryptionFailed. */
  decrypt(key: H, alg: Cipher, ciphertext: Uint8Array, options: DecryptOptions): Promise<Uint8Array>;
  wrap(key: H, alg: Cipher, keyToWrap: Uint8Array): Promise<Uint8Array>;
  unwrap(key: H, alg: Cipher, wrapped: Uint8Array): Promise<Uint8Array>;
}

/** What the vault's operations call: algorithms by name. KeyProviders looks each up once and hands on the entry. */
export type KeyProvider = KeyOperations<KeyHandle, SignatureAlgorithm, EncryptionAlgorithm>;

/**
 * One implementation of the seam (software, HSM), handed the algorithm's table entry rather than its name (jose's
 * style): switching on `entry.family` narrows `entry.alg` with it, so the implementations cast nothing.
 */
export type KeyBackend<H extends KeyHandle> = KeyOperations<H, SignatureEntry, EncryptionEntry>;
