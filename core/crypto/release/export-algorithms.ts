/**
 * How a released key is protected on its way to the attested workload (keys.json KeyReleaseParameters.enc,
 * KeyEncryptionAlgorithm). All three are CKM_RSA_AES_KEY_WRAP (PKCS#11 v2.40 §2.1.21): an ephemeral AES-256 key
 * wrapped by RSA-OAEP under the workload's public key, followed by the target key wrapped by that AES key with
 * RFC 5649 (AES key wrap with padding) — the format of Azure's BYOK transfer blobs. They differ in the OAEP hash:
 * SHA-1 for CKM_RSA_AES_KEY_WRAP (PKCS#11's default parameters), SHA-256 and SHA-384 for the named variants.
 */
export const KEY_EXPORT_ALGORITHMS = {
  CKM_RSA_AES_KEY_WRAP: { oaepHash: "SHA-1" },
  RSA_AES_KEY_WRAP_256: { oaepHash: "SHA-256" },
  RSA_AES_KEY_WRAP_384: { oaepHash: "SHA-384" },
} as const;

export type KeyExportAlgorithm = keyof typeof KEY_EXPORT_ALGORITHMS;

/** What a release request without `enc` gets (Azure's default, KeyEncryptionAlgorithm's first value). */
export const DEFAULT_EXPORT_ALGORITHM: KeyExportAlgorithm = "CKM_RSA_AES_KEY_WRAP";

export function isKeyExportAlgorithm(value: unknown): value is KeyExportAlgorithm {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(KEY_EXPORT_ALGORITHMS, value);
}

/** The ephemeral key's size: AES-256 for every variant. */
export const EPHEMERAL_AES_BYTES = 32;
