/**
 * Base64url without padding (RFC 4648 §5), the encoding of every binary field in the bridge protocol — the same
 * one Azure's key operations use, so the vault passes values through unchanged. Written by hand because the
 * client must run in workerd and in Node alike, without Buffer.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Map<string, number>([...ALPHABET].map((char, index) => [char, index]));
const WELL_FORMED = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c += 1) out += ALPHABET[(triple >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** Whether `text` is canonical unpadded base64url: a lone trailing char (length ≡ 1 mod 4) or stray bits refuse. */
export function isBase64url(text: string): boolean {
  if (!WELL_FORMED.test(text) || text.length % 4 === 1) return false;
  const rest = text.length % 4;
  if (rest === 0) return true;
  // RFC 4648 §3.5: the unused low bits of the last character must be zero, else two texts decode alike.
  const last = LOOKUP.get(text[text.length - 1] ?? "") ?? 0;
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!isBase64url(text)) throw new TypeError("not canonical base64url");
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text) {
    value = (value << 6) | (LOOKUP.get(char) ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index] = (value >> bits) & 0xff;
      index += 1;
    }
  }
  return out;
}
