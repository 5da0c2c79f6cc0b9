import type { KeyFamily, PrivateJwk } from "../crypto/keys/key-types.ts";

/**
 * What a vault seals for an HSM key version instead of key material: the token object's random CKA_ID
 * (docs/decisions.md §4.5). Sealed like material, so the AAD binds it to its tenant/vault/name/version and a row
 * copied elsewhere cannot point another key version at this token object.
 */
export interface HsmKeyReference {
  readonly kty: KeyFamily;
  readonly hsmKeyId: string;
}

/** A key version's sealed value: software material, or the reference to the HSM's. */
export type StoredKeyMaterial = PrivateJwk | HsmKeyReference;

export function isHsmReference(material: StoredKeyMaterial): material is HsmKeyReference {
  return "hsmKeyId" in material && typeof material.hsmKeyId === "string";
}
