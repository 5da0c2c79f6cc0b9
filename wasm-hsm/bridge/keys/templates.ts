/**
 * Attribute templates for the objects the bridge creates. Every key lives on the token (CKA_TOKEN), needs the
 * login to use (CKA_PRIVATE), and never leaves it in the clear (CKA_SENSITIVE true, CKA_EXTRACTABLE false —
 * PKCS#11 v2.40 §4.9: neither can be turned back once set). Public halves are public objects, readable without
 * login, as in any token. The usage flags are the key type's full set; which operations a key version may do
 * (Azure key_ops) is the vault's decision, checked before it calls the bridge.
 */
import type { KeyType } from "../../bridge-client/types.ts";
import { pkcs11js, type Template } from "../pkcs11/binding.ts";

export interface ObjectNaming {
  /** The random 16-byte CKA_ID shared by every object of the key. */
  readonly id: Buffer;
  /**
   * CKA_LABEL, set only when an idempotency key must be findable after a restart (keys/generate.ts), or to record
   * an unwrapped AES key's size (sizeLabel).
   */
  readonly label?: string;
}

/**
 * An AES key unwrapped by SoftHSM2 2.6.1 reads CKA_VALUE_LEN 0, and the token refuses the attribute in the unwrap
 * template (CKR_ATTRIBUTE_READ_ONLY) and in C_SetAttributeValue; so the bridge records the size, which it checked
 * on the token (keys/byok-targets.ts), in the label instead. The key store reads it only when CKA_VALUE_LEN is 0.
 */
const SIZE_LABEL = /^aes-bits:(128|192|256)$/;

export function sizeLabel(bits: number): string {
  return `aes-bits:${bits}`;
}

export function bitsOfSizeLabel(label: string): number | undefined {
  const match = SIZE_LABEL.exec(label);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

const USAGE = {
  RSA: {
    private: [pkcs11js.CKA_SIGN, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_UNWRAP],
    public: [pkcs11js.CKA_VERIFY, pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_WRAP],
  },
  EC: { private: [pkcs11js.CKA_SIGN], public: [pkcs11js.CKA_VERIFY] },
  oct: {
    private: [pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP],
    public: [],
  },
} as const satisfies Record<KeyType, { private: readonly number[]; public: readonly number[] }>;

/** For private and secret keys. */
export function secretTemplate(kty: KeyType, naming: ObjectNaming): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    ...named(naming),
    ...USAGE[kty].private.map((type) => ({ type, value: true })),
  ];
}

export function publicTemplate(kty: "RSA" | "EC", naming: ObjectNaming): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    ...named(naming),
    ...USAGE[kty].public.map((type) => ({ type, value: true })),
  ];
}

function named(naming: ObjectNaming): Template {
  return [
    { type: pkcs11js.CKA_ID, value: naming.id },
    ...(naming.label === undefined ? [] : [{ type: pkcs11js.CKA_LABEL, value: naming.label }]),
  ];
}
