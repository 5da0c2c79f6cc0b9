/** Hex ⇄ bytes, for published vectors and for byte comparisons that print readably when they fail. */

/** Strict: an odd length or a character that is not hex is an error in the test, not silently dropped. */
export function hex(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new Error(`bad hex: ${text.slice(0, 16)}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
