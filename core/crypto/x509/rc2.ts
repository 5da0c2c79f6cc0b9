import { X509Error } from "./x509-error.ts";

/**
 * RC2-CBC decryption (RFC 2268), only so that legacy PFX files can be imported: OpenSSL before 3.0,
 * Windows before Server 2019 and `openssl pkcs12 -export -legacy` encrypt the certificates with
 * pbeWithSHAAnd40BitRC2-CBC. Neither WebCrypto nor Node 20's OpenSSL 3 (RC2 sits in the unloaded
 * "legacy" provider) offers it, and workerd's BoringSSL "rc2-cbc" fixes the effective key length at
 * 128 bits, while PKCS#12 needs 40. We never encrypt with RC2. RC2-40 protects nothing — the PFX's
 * integrity rests on its MAC, checked before any of this runs.
 */

// RFC 2268 §2: PITABLE, a permutation of 0..255 derived from the digits of pi.
const PITABLE = new Uint8Array([
  0xd9, 0x78, 0xf9, 0xc4, 0x19, 0xdd, 0xb5, 0xed, 0x28, 0xe9, 0xfd, 0x79, 0x4a, 0xa0, 0xd8, 0x9d,
  0xc6, 0x7e, 0x37, 0x83, 0x2b, 0x76, 0x53, 0x8e, 0x62, 0x4c, 0x64, 0x88, 0x44, 0x8b, 0xfb, 0xa2,
  0x17, 0x9a, 0x59, 0xf5, 0x87, 0xb3, 0x4f, 0x13, 0x61, 0x45, 0x6d, 0x8d, 0x09, 0x81, 0x7d, 0x32,
  0xbd, 0x8f, 0x40, 0xeb, 0x86, 0xb7, 0x7b, 0x0b, 0xf0, 0x95, 0x21, 0x22, 0x5c, 0x6b, 0x4e, 0x82,
  0x54, 0xd6, 0x65, 0x93, 0xce, 0x60, 0xb2, 0x1c, 0x73, 0x56, 0xc0, 0x14, 0xa7, 0x8c, 0xf1, 0xdc,
  0x12, 0x75, 0xca, 0x1f, 0x3b, 0xbe, 0xe4, 0xd1, 0x42, 0x3d, 0xd4, 0x30, 0xa3, 0x3c, 0xb6, 0x26,
  0x6f, 0xbf, 0x0e, 0xda, 0x46, 0x69, 0x07, 0x57, 0x27, 0xf2, 0x1d, 0x9b, 0xbc, 0x94, 0x43, 0x03,
  0xf8, 0x11, 0xc7, 0xf6, 0x90, 0xef, 0x3e, 0xe7, 0x06, 0xc3, 0xd5, 0x2f, 0xc8, 0x66, 0x1e, 0xd7,
  0x08, 0xe8, 0xea, 0xde, 0x80, 0x52, 0xee, 0xf7, 0x84, 0xaa, 0x72, 0xac, 0x35, 0x4d, 0x6a, 0x2a,
  0x96, 0x1a, 0xd2, 0x71, 0x5a, 0x15, 0x49, 0x74, 0x4b, 0x9f, 0xd0, 0x5e, 0x04, 0x18, 0xa4, 0xec,
  0xc2, 0xe0, 0x41, 0x6e, 0x0f, 0x51, 0xcb, 0xcc, 0x24, 0x91, 0xaf, 0x50, 0xa1, 0xf4, 0x70, 0x39,
  0x99, 0x7c, 0x3a, 0x85, 0x23, 0xb8, 0xb4, 0x7a, 0xfc, 0x02, 0x36, 0x5b, 0x25, 0x55, 0x97, 0x31,
  0x2d, 0x5d, 0xfa, 0x98, 0xe3, 0x8a, 0x92, 0xae, 0x05, 0xdf, 0x29, 0x10, 0x67, 0x6c, 0xba, 0xc9,
  0xd3, 0x00, 0xe6, 0xcf, 0xe1, 0x9e, 0xa8, 0x2c, 0x63, 0x16, 0x01, 0x3f, 0x58, 0xe2, 0x89, 0xa9,
  0x0d, 0x38, 0x34, 0x1b, 0xab, 0x33, 0xff, 0xb0, 0xbb, 0x48, 0x0c, 0x5f, 0xb9, 0xb1, 0xcd, 0x2e,
  0xc5, 0xf3, 0xdb, 0x47, 0xe5, 0xa5, 0x9c, 0x77, 0x0a, 0xa6, 0x20, 0x68, 0xfe, 0x7f, 0xc1, 0xad,
]);

const pi = (index: number): number => PITABLE[index & 0xff] ?? 0;

/** RFC 2268 §2 key expansion: 64 16-bit words K[0..63] for a key of T octets and T1 effective bits. */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128 || effectiveBits < 1 || effectiveBits > 1024) {
    throw new X509Error("Unsupported RC2 key.");
  }
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = pi((l[i - 1] ?? 0) + (l[i - t] ?? 0));
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = pi((l[128 - t8] ?? 0) & tm);
  for (let i = 127 - t8; i >= 0; i--) l[i] = pi((l[i + 1] ?? 0) ^ (l[i + t8] ?? 0));
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = (l[2 * i] ?? 0) | ((l[2 * i + 1] ?? 0) << 8);
  return k;
}

const SHIFTS = [1, 2, 3, 5] as const;

/** RFC 2268 §4: one 8-octet block, decrypted in place (exported for the RFC 2268 §5 vectors). */
export function rc2DecryptBlock(k: Uint16Array, block: Uint8Array): void {
  const r = [0, 1, 2, 3].map((i) => (block[2 * i] ?? 0) | ((block[2 * i + 1] ?? 0) << 8));
  const word = (i: number): number => r[i & 3] ?? 0;
  let j = 63;
  const reverseMixRound = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i] ?? 0;
      let x = word(i);
      x = ((x >>> s) | (x << (16 - s))) & 0xffff;
      x = (x - (k[j] ?? 0) - (word(i - 1) & word(i - 2)) - (~word(i - 1) & word(i - 3))) & 0xffff;
      r[i] = x;
      j--;
    }
  };
  const reverseMashRound = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = (word(i) - (k[word(i - 1) & 63] ?? 0)) & 0xffff;
  };
  for (let round = 0; round < 5; round++) reverseMixRound();
  reverseMashRound();
  for (let round = 0; round < 6; round++) reverseMixRound();
  reverseMashRound();
  for (let round = 0; round < 5; round++) reverseMixRound();
  for (let i = 0; i < 4; i++) {
    block[2 * i] = (r[i] ?? 0) & 0xff;
    block[2 * i + 1] = (r[i] ?? 0) >> 8;
  }
}

/** RC2 in CBC mode with PKCS#5 padding removed (RFC 8018 §6.1.1 step 4). Throws on bad length or padding. */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (iv.length !== 8 || ciphertext.length === 0 || ciphertext.length % 8 !== 0) throw new X509Error("Bad RC2 ciphertext.");
  const k = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(ciphertext.length);
  let previous = iv;
  for (let offset = 0; offset < ciphertext.length; offset += 8) {
    const block = ciphertext.slice(offset, offset + 8);
    rc2DecryptBlock(k, block);
    for (let i = 0; i < 8; i++) out[offset + i] = (block[i] ?? 0) ^ (previous[i] ?? 0);
    previous = ciphertext.subarray(offset, offset + 8);
  }
  const pad = out[out.length - 1] ?? 0;
  if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((byte) => byte === pad)) throw new X509Error("Bad RC2 padding.");
  return out.subarray(0, out.length - pad);
}
