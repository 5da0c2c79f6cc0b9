/**
 * Modular arithmetic over BigInt for checking imported keys. Not constant-time: it runs only on key
 * material the caller already holds (import validation), never on a secret the caller must not learn.
 */

/** Big-endian unsigned octets → integer (RFC 7518 §2 Base64urlUInt, after base64url decoding). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

/**
 * Integer → big-endian octets: the minimum number (RFC 7518 §2; zero is one zero octet), or exactly
 * `length` octets, left-padded, for fixed-width fields such as EC coordinates.
 */
export function bigIntToBytes(value: bigint, length?: number): Uint8Array<ArrayBuffer> {
  if (value < 0n) throw new RangeError("negative integer");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const minimal = hex.length / 2;
  const size = length ?? minimal;
  if (minimal > size) throw new RangeError(`integer needs ${minimal} octets, more than ${size}`);
  const out = new Uint8Array(size);
  const offset = size - minimal;
  for (let i = 0; i < minimal; i++) out[offset + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bitLength(value: bigint): number {
  return value <= 0n ? 0 : value.toString(2).length;
}

/** The non-negative residue (JavaScript's % keeps the dividend's sign). */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function lcm(a: bigint, b: bigint): bigint {
  return a === 0n || b === 0n ? 0n : (a / gcd(a, b)) * b;
}

/** Square-and-multiply, right to left. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  if (exponent < 0n) throw new RangeError("negative exponent");
  let result = 1n;
  let b = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** a⁻¹ mod m by the extended Euclidean algorithm, or null when gcd(a, m) ≠ 1. */
export function modInverse(a: bigint, m: bigint): bigint | null {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return oldR === 1n ? mod(oldS, m) : null;
}

const SMALL_PRIMES = [3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n];

/**
 * Trial division, then one Miller–Rabin round to base 2 (FIPS 186-5 B.3.1 with a fixed base). It
 * catches accidental and casual composites; a strong pseudoprime built on purpose would pass, and
 * could only hurt the key's own owner. One round costs one modPow of the prime's size.
 */
export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false;
  if (n === 2n) return true;
  if ((n & 1n) === 0n) return false;
  for (const small of SMALL_PRIMES) {
    if (n === small) return true;
    if (n % small === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  let x = modPow(2n, d, n);
  if (x === 1n || x === n - 1n) return true;
  for (let i = 1; i < s; i++) {
    x = (x * x) % n;
    if (x === n - 1n) return true;
  }
  return false;
}
