import type { AzureKeyType, EcCurve, KeyOperation, PublicJwk } from "../../crypto/keys/key-types.ts";

/**
 * The public facts of one key version, stored as JSON beside the sealed private key (migration 0003):
 * what the client asked for and what GetKey returns. Never any private member.
 */
export interface KeyProperties {
  readonly kty: AzureKeyType;
  readonly keyOps: readonly KeyOperation[];
  /** RSA modulus bits or oct key bits. */
  readonly keySize?: number;
  readonly crv?: EcCurve;
  /** RSA {n,e} or EC {crv,x,y}; symmetric keys have none (Azure never releases oct material). */
  readonly publicJwk?: PublicJwk;
  /** Secure key release: the private key may leave, wrapped to an attested workload (keys.json KeyAttributes.exportable). */
  readonly exportable: boolean;
  /** The policy under which it may (required when exportable; docs/key-release.md). Public, like the rest. */
  readonly releasePolicy?: StoredReleasePolicy;
  /** HSM keys: Azure's `attributes.hsmPlatform` for the HSM that made them ("0" software … "2" FIPS 140-3 L3). */
  readonly hsmPlatform?: string;
  /**
   * HSM keys: set once a backup of this version exists. Such a backup refers to the token object, so purging
   * keeps the object for the backup's sake (as an Azure backup outlives a purge); otherwise purge destroys it.
   */
  readonly backedUp?: true;
}

/**
 * keys.json KeyReleasePolicy as stored: `data` is the policy's JSON exactly as the client sent it (base64url), so
 * GetKey answers the bytes that were set; it was parsed and checked on the way in. Once `immutable`, it stays so.
 */
export interface StoredReleasePolicy {
  readonly contentType: string;
  readonly immutable: boolean;
  readonly data: string;
}

export const ALL_KEY_OPERATIONS: readonly KeyOperation[] = [
  "encrypt",
  "decrypt",
  "sign",
  "verify",
  "wrapKey",
  "unwrapKey",
  "import",
  "export",
];

export function isKeyOperation(value: unknown): value is KeyOperation {
  return typeof value === "string" && (ALL_KEY_OPERATIONS as readonly string[]).includes(value);
}

export function serializeKeyProperties(props: KeyProperties): string {
  return JSON.stringify(props);
}

/** Written only by this code; a row without properties is a storage fault, not a client error. */
export function parseKeyProperties(json: string | undefined): KeyProperties {
  if (json === undefined) throw new Error("key version has no properties");
  return JSON.parse(json) as KeyProperties;
}
