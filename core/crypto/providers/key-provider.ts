import type { EncryptionAlgorithm } from "../encrypt/encryption-algorithms.ts";
import type { HsmKeyReference } from "../../hsm/hsm-key-reference.ts";
import type { PrivateJwk, PublicJwk } from "../keys/key-types.ts";
import type { SignatureAlgorithm } from "../sign/signature-algorithms.ts";

/**
 * The seam between key management and the code that holds keys (DESIGN.md §3). Everything else —
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

/** A key held by the HSM: the vault knows its token object only by the random CKA_ID it stored (DESIGN.md §5). */
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

export interface KeyProvider<H extends KeyHandle = KeyHandle> {
  /** Signs a digest (Azure signs digests; the provider must not hash again). */
  sign(key: H, alg: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array>;
  /** Never throws for a bad signature: false. */
  verify(key: H, alg: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array): Promise<boolean>;
  encrypt(key: H, alg: EncryptionAlgorithm, plaintext: Uint8Array, options: { iv?: Uint8Array; aad?: Uint8Array }): Promise<EncryptOutput>;
  /** Every failure is the one generic DecryptionFailed. */
  decrypt(
    key: H,
    alg: EncryptionAlgorithm,
    ciphertext: Uint8Array,
    options: { iv?: Uint8Array; aad?: Uint8Array; tag?: Uint8Array },
  ): Promise<Uint8Array>;
  wrap(key: H, alg: EncryptionAlgorithm, keyToWrap: Uint8Array): Promise<Uint8Array>;
  unwrap(key: H, alg: EncryptionAlgorithm, wrapped: Uint8Array): Promise<Uint8Array>;
}
