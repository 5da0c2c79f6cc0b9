import * as asn1js from "asn1js";
import { X509Error } from "./x509-error.ts";

/**
 * KeyUsage (RFC 5280 §4.2.1.3) under Azure's names (KeyUsageType in certificates.json; note "cRLSign"),
 * in bit order: the index in this list is the bit number of the named-bit BIT STRING.
 */
export const KEY_USAGE_NAMES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export function isKeyUsageName(value: unknown): value is KeyUsageName {
  return typeof value === "string" && (KEY_USAGE_NAMES as readonly string[]).includes(value);
}

/**
 * The BIT STRING for a set of usages, or null for none. DER drops trailing zero bits of a named-bit
 * list (X.690 §11.2.2), so digitalSignature+keyEncipherment is 03 02 05 A0 — the bytes in Azure's CSRs.
 */
export function encodeKeyUsage(names: readonly string[] | undefined): asn1js.BitString | null {
  if (names === undefined || names.length === 0) return null;
  let highest = -1;
  const bits = new Set<number>();
  for (const name of names) {
    if (!isKeyUsageName(name)) {
      throw new X509Error(`Unknown key usage "${name}". Supported key usages are [${KEY_USAGE_NAMES.join(", ")}]`);
    }
    const bit = KEY_USAGE_NAMES.indexOf(name);
    bits.add(bit);
    highest = Math.max(highest, bit);
  }
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return new asn1js.BitString({ unusedBits: 7 - (highest & 7), valueHex: bytes });
}

/** The usages a KeyUsage BIT STRING asserts, in bit order. */
export function decodeKeyUsage(value: asn1js.AsnType): KeyUsageName[] {
  if (!(value instanceof asn1js.BitString)) throw new X509Error("The key usage extension is malformed.");
  const bytes = value.valueBlock.valueHexView;
  return KEY_USAGE_NAMES.filter((_, bit) => (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) === 1);
}
