/**
 * Shamir secret sharing exactly as Azure Managed HSM's security domain does it, so shares we make combine
 * in `az keyvault security-domain restore-blob` and in Az PowerShell (docs/security-domain-format.md §3).
 *
 * - Field: the prime field GF(257), not GF(2^8). One polynomial per secret byte; a share value is 0–256
 *   and so needs 9 bits (Azure CLI security_domain/mod_math.py, Az PowerShell SecurityDomain/Crypto/mod_math.cs).
 * - Share: one 16-bit word per secret byte, `index << 9 | value`, little-endian (Share.to_uint16 /
 *   from_uint16; Utils.convert_to_uint16), so a 32-byte master key gives a 64-byte share. Indices are
 *   1…n in certificate order (shared_secret.cs make_shares).
 * - Polynomial: degree threshold−1 with the secret byte as constant term; the other coefficients are
 *   drawn fresh for every byte, highest degree first, each from a little-endian random word, a zero
 *   word skipped, then reduced mod 257 — the 65,535 words left hit every residue 255 times, so each
 *   coefficient is uniform (shared_secret.cs init_coefficients, random_bits.get_mod_257). The CLI's own
 *   Python make_shares reuses one set of coefficients for all bytes; it never runs in a real flow (the
 *   CLI only combines) and would leak byte differences, so we follow the C# one.
 *
 * Field arithmetic is branch-free and table-free on values (Azure's own reduction: 256 ≡ −1 mod 257).
 * Lagrange weights depend only on the share indices, which are public.
 */
import { VaultError } from "../../errors/vault-error.ts";

/** Azure's security-domain limits: `required` 2–10, at most 10 certificates (securitydomain.json, CertificateInfoObject). */
export const SHAMIR_MIN_THRESHOLD = 2;
export const SHAMIR_MAX_SHARES = 10;

/** Source of cryptographically random bytes; called once per 16-bit coefficient draw. */
export type RandomBytes = (length: number) => Uint8Array;

const P = 257;
const VALUE_BITS = 9;
const VALUE_MASK = (1 << VALUE_BITS) - 1;
/** Seven index bits would allow 127; Azure's SharedSecret.max_shares is 126. */
const MAX_INDEX = 126;

/** x mod 257 for 0 ≤ x ≤ 65,791 without a data-dependent branch: x = hi·256 + lo ≡ lo − hi (mod_reduce). */
function reduce(x: number): number {
  const t = (x & 0xff) - (x >>> 8);
  return t + ((t >> 31) & P);
}
const mul = (a: number, b: number): number => reduce(a * b);
const add = (a: number, b: number): number => reduce(a + b);
const sub = (a: number, b: number): number => reduce(a - b + P);

/** a^255 = a^(p−2) = a^−1 by Fermat, in a fixed 14 multiplications (mod_invert). */
function invert(a: number): number {
  let r = a;
  for (let i = 0; i < 7; i++) r = mul(mul(r, r), a);
  return r;
}

function randomCoefficient(random: RandomBytes): number {
  for (;;) {
    const bytes = random(2);
    if (bytes.length !== 2) throw new Error("random source returned the wrong number of bytes");
    const word = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
    // Skipping 0 leaves 1…65535 = 255 full cycles of 257: uniform, and only a public coin is revealed.
    if (word !== 0) return reduce(word);
  }
}

function assertCounts(shares: number, threshold: number): void {
  const whole = Number.isInteger(shares) && Number.isInteger(threshold);
  if (!whole || threshold < SHAMIR_MIN_THRESHOLD || threshold > shares || shares > SHAMIR_MAX_SHARES) {
    throw new VaultError(
      "BadParameter",
      `Shares and threshold must satisfy ${SHAMIR_MIN_THRESHOLD} ≤ threshold ≤ shares ≤ ${SHAMIR_MAX_SHARES}.`,
    );
  }
}

/** Splits `secret` into `shares` shares, any `threshold` of which recover it. Share i has index i + 1. */
export function split(secret: Uint8Array, shares: number, threshold: number, random: RandomBytes): Uint8Array[] {
  assertCounts(shares, threshold);
  if (secret.length === 0) throw new VaultError("BadParameter", "The secret to split must not be empty.");
  const out = Array.from({ length: shares }, () => new Uint8Array(secret.length * 2));
  // coefficients[0] is the highest degree, coefficients[threshold − 1] the secret byte (ByteShares).
  const coefficients = new Uint16Array(threshold);
  for (let b = 0; b < secret.length; b++) {
    for (let c = 0; c < threshold - 1; c++) coefficients[c] = randomCoefficient(random);
    coefficients[threshold - 1] = secret[b] ?? 0;
    out.forEach((share, s) => {
      const x = s + 1;
      let v = coefficients[0] ?? 0;
      for (let c = 1; c < threshold; c++) v = add(mul(v, x), coefficients[c] ?? 0); // Horner (make_share)
      const word = (x << VALUE_BITS) | v;
      share[2 * b] = word & 0xff;
      share[2 * b + 1] = word >>> 8;
    });
  }
  coefficients.fill(0);
  return out;
}

/** The index every word of `share` carries; a share mixing indices is malformed. */
function shareIndex(share: Uint8Array): number {
  let index = -1;
  for (let i = 1; i < share.length; i += 2) {
    const x = (share[i] ?? 0) >>> (VALUE_BITS - 8);
    if (index === -1) index = x;
    else if (x !== index) throw new VaultError("BadParameter", "A share mixes share indices.");
  }
  if (index < 1 || index > MAX_INDEX) throw new VaultError("BadParameter", "A share has an invalid share index.");
  return index;
}

/**
 * Recovers the secret from `shares` (at least the threshold used to split; more is fine). Shamir has no
 * integrity: shares of different splits, or too few, give a wrong secret that is only sometimes caught
 * here (a value or a result out of range). Azure catches it one step later, when the EncData JWE tags
 * fail under keys derived from the wrong master key (docs/security-domain-format.md §2).
 */
export function combine(shares: readonly Uint8Array[]): Uint8Array {
  if (shares.length < SHAMIR_MIN_THRESHOLD || shares.length > SHAMIR_MAX_SHARES) {
    throw new VaultError("BadParameter", `Between ${SHAMIR_MIN_THRESHOLD} and ${SHAMIR_MAX_SHARES} shares are needed.`);
  }
  const length = shares[0]?.length ?? 0;
  if (length === 0 || length % 2 !== 0 || shares.some((s) => s.length !== length)) {
    throw new VaultError("BadParameter", "Shares must be non-empty, of even length and all of the same length.");
  }
  const xs = shares.map(shareIndex);
  if (new Set(xs).size !== xs.length) throw new VaultError("BadParameter", "Two shares have the same share index.");

  // Lagrange weight of share i at 0: Π_{j≠i} x_j / (x_j − x_i) (ByteShares.get_secret).
  const weights = xs.map((xi, i) => {
    let numerator = 1;
    let denominator = 1;
    xs.forEach((xj, j) => {
      if (j === i) return;
      numerator = mul(numerator, xj);
      denominator = mul(denominator, sub(xj, xi));
    });
    return mul(numerator, invert(denominator));
  });

  const secret = new Uint8Array(length / 2);
  let bad = 0;
  for (let b = 0; b < secret.length; b++) {
    let acc = 0;
    shares.forEach((share, i) => {
      const v = ((share[2 * b] ?? 0) | ((share[2 * b + 1] ?? 0) << 8)) & VALUE_MASK;
      bad |= (P - 1 - v) >> 31; // a value above 256 is not a field element
      acc = add(acc, mul(weights[i] ?? 0, v));
    });
    bad |= (0xff - acc) >> 31; // 256 is a field element but not a byte: the shares do not belong together
    secret[b] = acc & 0xff;
  }
  if (bad !== 0) {
    secret.fill(0);
    throw new VaultError("BadParameter", "The shares do not combine to a secret.");
  }
  return secret;
}
