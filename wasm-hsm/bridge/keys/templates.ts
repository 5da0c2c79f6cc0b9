/**
 * Attribute templates for the objects the bridge creates. Every key lives on the token (CKA_TOKEN), needs the
 * login to use (CKA_PRIVATE), and never leaves it in the clear (CKA_SENSITIVE true, CKA_EXTRACTABLE false unless
 * it is exportable — PKCS#11 v2.40 §4.9: neither can be turned back once set). Public halves are public objects, readable without
 * login, as in any token. The usage flags are the key kind's full set; which operations a key version may do
 * (Azure key_ops) is the vault's decision, checked before it calls the bridge.
 */
import type { OctPurpose } from "../../../core/hsm/bridge-client/types.ts";
import { pkcs11js, type Template } from "../pkcs11/binding.ts";

/** The kinds of key the bridge makes: oct keys come in one kind per purpose (keys/oct-kinds.ts). */
export type KeyKind = "RSA" | "EC" | OctPurpose;

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

/**
 * `denied`: flags set false outright. PKCS#11 v2.40 §4.10 leaves a secret key's CKA_ENCRYPT, CKA_DECRYPT, CKA_WRAP
 * and CKA_UNWRAP defaults to the token, and SoftHSM2 2.6.1 makes them true, so an HMAC key that is to sign and
 * verify only has to say no to the rest.
 */
const USAGE = {
  RSA: {
    private: [pkcs11js.CKA_SIGN, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_UNWRAP],
    public: [pkcs11js.CKA_VERIFY, pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_WRAP],
    denied: [],
  },
  EC: { private: [pkcs11js.CKA_SIGN], public: [pkcs11js.CKA_VERIFY], denied: [] },
  aes: {
    private: [pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP],
    public: [],
    denied: [],
  },
  hmac: {
    private: [pkcs11js.CKA_SIGN, pkcs11js.CKA_VERIFY],
    public: [],
    denied: [pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP],
  },
} as const satisfies Record<KeyKind, { private: readonly number[]; public: readonly number[]; denied: readonly number[] }>;

/**
 * For private and secret keys. `exportable` (secure key release, docs/key-release.md): CKA_EXTRACTABLE true, so the
 * token will wrap the key (keys/release-wrap.ts); CKA_SENSITIVE stays true, so its value is still never readable.
 */
export function secretTemplate(kind: KeyKind, naming: ObjectNaming, exportable = false): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: exportable },
    ...named(naming),
    ...USAGE[kind].private.map((type) => ({ type, value: true })),
    ...USAGE[kind].denied.map((type) => ({ type, value: false })),
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
