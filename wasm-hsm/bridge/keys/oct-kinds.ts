/**
 * The two kinds of oct key on the token, one per purpose. AES keys are CKK_AES objects made by CKM_AES_KEY_GEN;
 * HMAC keys are generic secrets (CKK_GENERIC_SECRET, CKM_GENERIC_SECRET_KEY_GEN), the key type PKCS#11 v2.40's
 * CKM_SHA256_HMAC/CKM_SHA384_HMAC/CKM_SHA512_HMAC sign with. The object's key type is the one record of a key's
 * purpose: the key store reads it back, so nothing else has to remember it.
 */
import type { OctPurpose } from "../../../core/hsm/bridge-client/types.ts";
import { AES_KEY_SIZES, HMAC_KEY_SIZES, OCT_PURPOSES } from "../../../core/hsm/bridge-client/types.ts";
import { pkcs11js } from "../pkcs11/binding.ts";

export interface OctKind {
  /** For messages: "AES" or "HMAC". */
  readonly name: string;
  readonly keyType: number;
  readonly generation: number;
  readonly sizes: readonly number[];
}

export const OCT_KINDS: Readonly<Record<OctPurpose, OctKind>> = {
  aes: { name: "AES", keyType: pkcs11js.CKK_AES, generation: pkcs11js.CKM_AES_KEY_GEN, sizes: AES_KEY_SIZES },
  hmac: {
    name: "HMAC",
    keyType: pkcs11js.CKK_GENERIC_SECRET,
    generation: pkcs11js.CKM_GENERIC_SECRET_KEY_GEN,
    sizes: HMAC_KEY_SIZES,
  },
};

/** The purpose of a secret key object of this CKK_*, or undefined for a key type the bridge does not make. */
export function octPurposeOf(keyType: number): OctPurpose | undefined {
  return OCT_PURPOSES.find((purpose) => OCT_KINDS[purpose].keyType === keyType);
}

/** "128, 192 or 256": the sizes of a kind, for messages. */
export function sizeList(kind: OctKind): string {
  return `${kind.sizes.slice(0, -1).join(", ")} or ${String(kind.sizes.at(-1))}`;
}
