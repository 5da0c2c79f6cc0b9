import * as asn1js from "asn1js";

/**
 * Small DER/BER helpers over asn1js. Every parse of outside input goes through `parseDerExactly`:
 * asn1js stops at the end of the first element, so trailing bytes would otherwise pass unnoticed
 * (X.690 §8.1.1: one encoding is one TLV; anything after it is not part of the value).
 */
export function parseDerExactly(bytes: Uint8Array): asn1js.AsnType | null {
  if (bytes.length === 0) return null;
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset !== bytes.length || parsed.result.error !== "") return null;
  return parsed.result;
}

/** A private copy of the bytes as an ArrayBuffer (asn1js and WebCrypto both want one). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

export function fromArrayBuffer(buffer: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer.slice(0));
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)) as Uint8Array<ArrayBuffer>;
}

/** DER of an asn1js value. */
export function encodeDer(value: asn1js.AsnType | { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array<ArrayBuffer> {
  return new Uint8Array(value.toBER(false));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares two byte strings in lexicographic order: DER sorts SET OF elements this way (X.690 §11.6). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
