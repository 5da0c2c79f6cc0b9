import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { X509Error } from "./x509-error.ts";

/**
 * The PKCS#12 key derivation (RFC 7292 App. B.2), used by the PFX MAC (ID 3) and by the legacy
 * pbeWithSHAAnd… ciphers (ID 1 key, ID 2 IV). Neither WebCrypto nor node:crypto offers it, and it
 * iterates a bare hash, so it runs on @noble/hashes (already a dependency) synchronously — thousands
 * of awaited WebCrypto digests would cost more than the hashing itself.
 */
export type Pkcs12Hash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** u = output size, v = input block size of each hash (RFC 7292 App. B.2 step 1). */
const HASHES: Readonly<Record<Pkcs12Hash, { fn: (data: Uint8Array) => Uint8Array; u: number; v: number }>> = {
  "SHA-1": { fn: sha1, u: 20, v: 64 },
  "SHA-256": { fn: sha256, u: 32, v: 64 },
  "SHA-384": { fn: sha384, u: 48, v: 128 },
  "SHA-512": { fn: sha512, u: 64, v: 128 },
};

export const KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

/**
 * Iteration cap for everything password-based we read: a PFX is client input, and its iteration
 * count is a CPU cost the client chooses. Real files use 1 (old Java), 2000 (Windows/.NET), 2048
 * (OpenSSL) up to 600 000 (OWASP 2023 for PBKDF2-SHA256); 10^6 leaves room above that.
 */
export const MAX_ITERATIONS = 1_000_000;

/**
 * The password as a BMPString with a two-octet NUL terminator (RFC 7292 App. B.1): UTF-16 code units,
 * big-endian. `null` is "no password", which OpenSSL distinguishes from "" (zero octets vs. 00 00).
 */
export function bmpPassword(password: string | null): Uint8Array {
  if (password === null) return new Uint8Array(0);
  const bytes = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}

export function pkcs12Kdf(hash: Pkcs12Hash, id: number, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new X509Error(`The PKCS#12 iteration count must be between 1 and ${MAX_ITERATIONS}.`);
  }
  const { fn, u, v } = HASHES[hash];
  const diversifier = new Uint8Array(v).fill(id);
  const repeat = (source: Uint8Array): Uint8Array => {
    const out = new Uint8Array(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length] ?? 0;
    return out;
  };
  const input = new Uint8Array([...repeat(salt), ...repeat(password)]);
  const output = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += u) {
    let a = fn(new Uint8Array([...diversifier, ...input]));
    for (let r = 1; r < iterations; r++) a = fn(a);
    output.set(a.subarray(0, Math.min(u, length - offset)), offset);
    if (offset + u >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-octet block, B = A repeated to v octets (step 6C).
    const b = new Uint8Array(v);
    for (let i = 0; i < v; i++) b[i] = a[i % u] ?? 0;
    for (let block = 0; block < input.length; block += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = (input[block + i] ?? 0) + (b[i] ?? 0) + carry;
        input[block + i] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return output;
}
