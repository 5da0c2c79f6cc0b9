/**
 * The Key Vault signature algorithms as one table of descriptors (docs/decisions.md §6.2), and the named
 * assertions a route runs before it signs or verifies (§6.3).
 *
 * Every algorithm here signs a DIGEST the client computed, never the message (Keys – Sign:
 * `KeySignParameters.value`; Keys – Verify: `KeyVerifyParameters.digest`, "the digest used for
 * signing"). That is why WebCrypto, which always hashes its input, is not used to sign.
 *
 * HS256/384/512 (Managed HSM, oct-HSM keys) take a digest too. The REST spec only says "the value
 * to operate on" (Azure/azure-rest-api-specs specification/keyvault/data-plane/Microsoft.KeyVault/
 * stable/7.6/keys.json @ 9627a5ac, KeySignParameters), but the .NET SDK settles it:
 * `SignatureAlgorithm.GetHashAlgorithm()` maps HS256/384/512 to SHA-256/384/512
 * (sdk/keyvault/Azure.Security.KeyVault.Keys/src/Cryptography/SignatureAlgorithm.cs @ 38949d55),
 * `CryptographyClient.SignData` hashes the data and sends that digest as `value`, and the live
 * Managed HSM test `SignVerifyDataRoundTripHSM` (every algorithm, HS* included) checks that
 * Sign(SHA-x(data)) and SignData(data) verify against each other (tests/
 * ManagedHsmCryptographyClientLiveTests.cs @ 6111e9e5, CryptographyClientLiveTests.cs
 * `SignVerifyDataRoundTripInternal`). So the service MACs the digest bytes: HMAC-SHA-x(key, SHA-x(data)),
 * and `value` is a hash-length digest like every other algorithm's. Whether Azure itself refuses
 * other lengths for HS* is not documented; we hold HS* to the hash length like RS/PS/ES.
 */
import { VaultError } from "../../errors/vault-error.ts";
import type { EcCurve } from "../keys/key-types.ts";

export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

export const HASH_LENGTH: Readonly<Record<HashName, number>> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

/** RFC 8017 §9.2 step 3: EM = 0x00 ‖ 0x01 ‖ PS (≥ 8 × 0xff) ‖ 0x00 ‖ T, so T ≤ k − 11. */
export const PKCS1_V15_OVERHEAD = 11;

export interface RsaPkcs1Descriptor {
  readonly alg: string;
  readonly family: "RSA";
  readonly scheme: "RSASSA-PKCS1-v1_5";
  readonly hash: HashName;
  readonly digestLength: number;
}
/** RSNULL: PKCS#1 v1.5 type-1 padding over the caller's bytes as they are, with no DigestInfo. */
export interface RsaRawPkcs1Descriptor {
  readonly alg: "RSNULL";
  readonly family: "RSA";
  readonly scheme: "RSASSA-PKCS1-v1_5-RAW";
  readonly hash: null;
  readonly digestLength: null;
}
export interface RsaPssDescriptor {
  readonly alg: string;
  readonly family: "RSA";
  readonly scheme: "RSASSA-PSS";
  readonly hash: HashName;
  readonly digestLength: number;
  /** RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash. */
  readonly saltLength: number;
}
export interface EcdsaDescriptor {
  readonly alg: string;
  readonly family: "EC";
  readonly scheme: "ECDSA";
  readonly hash: HashName;
  readonly digestLength: number;
  readonly curve: EcCurve;
  /** Bytes of one scalar; the signature is r ‖ s, twice this (RFC 7518 §3.4). */
  readonly scalarLength: number;
  /**
   * Normalise s to the low half when signing. secp256k1 consumers (BIP-146, Ethereum) reject high S;
   * for the NIST curves we keep the raw RFC 6979 result, as OpenSSL and WebCrypto do.
   */
  readonly lowS: boolean;
}
export interface HmacDescriptor {
  readonly alg: string;
  readonly family: "oct";
  readonly scheme: "HMAC";
  readonly hash: HashName;
  readonly digestLength: number;
}
export type SignatureAlgorithmDescriptor =
  | RsaPkcs1Descriptor
  | RsaRawPkcs1Descriptor
  | RsaPssDescriptor
  | EcdsaDescriptor
  | HmacDescriptor;

/** A row names itself, so the entry handed on (jose's style) says which algorithm it is. */
type Named<A extends string> = { readonly alg: A };

const rsaPkcs1 = <A extends string>(alg: A, hash: HashName): RsaPkcs1Descriptor & Named<A> => ({
  alg,
  family: "RSA",
  scheme: "RSASSA-PKCS1-v1_5",
  hash,
  digestLength: HASH_LENGTH[hash],
});
const rsaPss = <A extends string>(alg: A, hash: HashName): RsaPssDescriptor & Named<A> => ({
  alg,
  family: "RSA",
  scheme: "RSASSA-PSS",
  hash,
  digestLength: HASH_LENGTH[hash],
  saltLength: HASH_LENGTH[hash],
});
const ec = <A extends string>(alg: A, curve: EcCurve, hash: HashName, scalarLength: number, lowS: boolean): EcdsaDescriptor & Named<A> => ({
  alg,
  family: "EC",
  scheme: "ECDSA",
  hash,
  digestLength: HASH_LENGTH[hash],
  curve,
  scalarLength,
  lowS,
});
const hmac = <A extends string>(alg: A, hash: HashName): HmacDescriptor & Named<A> => ({
  alg,
  family: "oct",
  scheme: "HMAC",
  hash,
  digestLength: HASH_LENGTH[hash],
});

export const SIGNATURE_ALGORITHMS = {
  RS256: rsaPkcs1("RS256", "SHA-256"),
  RS384: rsaPkcs1("RS384", "SHA-384"),
  RS512: rsaPkcs1("RS512", "SHA-512"),
  RSNULL: { alg: "RSNULL", family: "RSA", scheme: "RSASSA-PKCS1-v1_5-RAW", hash: null, digestLength: null },
  PS256: rsaPss("PS256", "SHA-256"),
  PS384: rsaPss("PS384", "SHA-384"),
  PS512: rsaPss("PS512", "SHA-512"),
  ES256: ec("ES256", "P-256", "SHA-256", 32, false),
  ES384: ec("ES384", "P-384", "SHA-384", 48, false),
  // ES512 is P-521 with SHA-512: the 64-byte digest is shorter than the 521-bit order, so bits2int
  // takes it whole (FIPS 186-5 §6.4.1, RFC 6979 §2.3.2).
  ES512: ec("ES512", "P-521", "SHA-512", 66, false),
  ES256K: ec("ES256K", "P-256K", "SHA-256", 32, true),
  HS256: hmac("HS256", "SHA-256"),
  HS384: hmac("HS384", "SHA-384"),
  HS512: hmac("HS512", "SHA-512"),
} as const satisfies Record<string, SignatureAlgorithmDescriptor>;

/** Only a table whose every row is named by its own key: `SIGNATURE_ALGORITHMS[alg].alg === alg`. */
type SelfNamed<T extends { readonly [A in keyof T]: Named<A & string> }> = T;

export type SignatureAlgorithm = keyof SelfNamed<typeof SIGNATURE_ALGORITHMS>;
/**
 * One row of the table, looked up once by the caller and handed on (as jose hands its algorithm entries): switching
 * on `family` narrows `alg` with it, so no provider casts a name.
 */
export type SignatureEntry = (typeof SIGNATURE_ALGORITHMS)[SignatureAlgorithm];
export type RsaSignatureAlgorithm = {
  [A in SignatureAlgorithm]: (typeof SIGNATURE_ALGORITHMS)[A]["family"] extends "RSA" ? A : never;
}[SignatureAlgorithm];
export type EcSignatureAlgorithm = {
  [A in SignatureAlgorithm]: (typeof SIGNATURE_ALGORITHMS)[A]["family"] extends "EC" ? A : never;
}[SignatureAlgorithm];
export type HmacSignatureAlgorithm = {
  [A in SignatureAlgorithm]: (typeof SIGNATURE_ALGORITHMS)[A]["family"] extends "oct" ? A : never;
}[SignatureAlgorithm];

export function isSignatureAlgorithm(value: unknown): value is SignatureAlgorithm {
  return typeof value === "string" && Object.hasOwn(SIGNATURE_ALGORITHMS, value);
}

export function signatureDescriptor(alg: SignatureAlgorithm): SignatureAlgorithmDescriptor {
  return SIGNATURE_ALGORITHMS[alg];
}

/** Keys – Sign/Verify: `alg` must be one of JsonWebKeySignatureAlgorithm, compared exactly. */
export function assertSignatureAlgorithm(value: unknown): SignatureAlgorithm {
  if (!isSignatureAlgorithm(value)) throw new VaultError("BadParameter", "Invalid signature algorithm.");
  return value;
}

/** The largest RSNULL input a k-byte modulus can pad (RFC 8017 §9.2 step 3). */
export function maxRawPkcs1DigestLength(modulusBytes: number): number {
  return modulusBytes - PKCS1_V15_OVERHEAD;
}

/** Whether `length` is a digest length `alg` accepts; RSNULL needs the modulus size to say. */
export function digestLengthFits(alg: SignatureAlgorithm, length: number, modulusBytes?: number): boolean {
  const expected = SIGNATURE_ALGORITHMS[alg].digestLength;
  if (expected !== null) return length === expected;
  return length >= 1 && (modulusBytes === undefined || length <= maxRawPkcs1DigestLength(modulusBytes));
}

/**
 * Azure signs digests, so a digest of the wrong size is a client error, not a signature to make:
 * RS/PS/ES/HS take exactly the hash length (ES512: 64 bytes), RSNULL 1 … k − 11 bytes.
 */
export function assertDigestLength(alg: SignatureAlgorithm, digest: Uint8Array, modulusBytes?: number): void {
  if (digestLengthFits(alg, digest.length, modulusBytes)) return;
  const expected = SIGNATURE_ALGORITHMS[alg].digestLength;
  const wanted =
    expected !== null
      ? `${expected} bytes`
      : `1 to ${modulusBytes === undefined ? "k - 11" : maxRawPkcs1DigestLength(modulusBytes)} bytes`;
  throw new VaultError("BadParameter", `Invalid digest length for ${alg}: expected ${wanted}, got ${digest.length}.`);
}

/** The key a request names must be of the family, and for EC of the curve, the algorithm signs with. */
export function assertAlgorithmFitsKey(alg: SignatureAlgorithm, key: { readonly kty: string; readonly crv?: string }): void {
  const descriptor = SIGNATURE_ALGORITHMS[alg];
  const family = key.kty.replace(/-HSM$/, "");
  const fits =
    family === descriptor.family && (descriptor.family !== "EC" || key.crv === descriptor.curve);
  if (!fits) throw new VaultError("BadParameter", `The algorithm ${alg} does not fit this key.`);
}
