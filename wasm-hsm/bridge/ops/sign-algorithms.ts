/**
 * The signature algorithms as one table of descriptors (docs/decisions.md §6.2). Every one signs a DIGEST the caller
 * computed (Azure Keys – Sign), so the token must not hash again: RS* pads DigestInfo‖digest with CKM_RSA_PKCS,
 * PS* uses CKM_RSA_PKCS_PSS (which takes the hash as input, v2.40 §2.1.14), ES* uses CKM_ECDSA (v2.40 §2.3.6).
 * HS* is a MAC over those digest bytes (RFC 2104 HMAC with the named hash, RFC 7518 §3.2), made by the token's
 * CKM_SHAx_HMAC under a generic secret key: the full-length MAC, as JWS wants it (not the _GENERAL truncation).
 */
import type { EcCurve, SignAlgorithm } from "../../../core/hsm/bridge-client/types.ts";
import { pkcs11js } from "../pkcs11/binding.ts";

export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

export interface RsaPkcs1Signature {
  readonly family: "RSA";
  readonly scheme: "pkcs1";
  /** null: RSNULL, the caller's bytes padded as they are (RFC 8017 §9.2 step 3 without DigestInfo). */
  readonly hash: HashName | null;
}
export interface RsaPssSignature {
  readonly family: "RSA";
  readonly scheme: "pss";
  readonly hash: HashName;
  /** RFC 7518 §3.5: MGF1 with the same hash, a salt as long as the hash. */
  readonly saltBytes: number;
}
export interface EcdsaSignature {
  readonly family: "EC";
  readonly hash: HashName;
  /** RFC 7518 §3.4 and RFC 8812 §3.2 bind each ES* algorithm to one curve. */
  readonly curve: EcCurve;
}
export interface HmacSignature {
  readonly family: "oct";
  /** Needs an oct key made for it (purpose "hmac", keys/oct-kinds.ts); AES keys are for ciphers. */
  readonly scheme: "hmac";
  readonly hash: HashName;
  /** CKM_SHA256_HMAC, CKM_SHA384_HMAC or CKM_SHA512_HMAC. */
  readonly mechanism: number;
}
export type SignatureDescriptor = RsaPkcs1Signature | RsaPssSignature | EcdsaSignature | HmacSignature;

export const SIGNATURE_ALGORITHMS: Readonly<Record<SignAlgorithm, SignatureDescriptor>> = {
  RS256: { family: "RSA", scheme: "pkcs1", hash: "SHA-256" },
  RS384: { family: "RSA", scheme: "pkcs1", hash: "SHA-384" },
  RS512: { family: "RSA", scheme: "pkcs1", hash: "SHA-512" },
  RSNULL: { family: "RSA", scheme: "pkcs1", hash: null },
  PS256: { family: "RSA", scheme: "pss", hash: "SHA-256", saltBytes: 32 },
  PS384: { family: "RSA", scheme: "pss", hash: "SHA-384", saltBytes: 48 },
  PS512: { family: "RSA", scheme: "pss", hash: "SHA-512", saltBytes: 64 },
  ES256: { family: "EC", hash: "SHA-256", curve: "P-256" },
  ES384: { family: "EC", hash: "SHA-384", curve: "P-384" },
  ES512: { family: "EC", hash: "SHA-512", curve: "P-521" },
  ES256K: { family: "EC", hash: "SHA-256", curve: "P-256K" },
  HS256: { family: "oct", scheme: "hmac", hash: "SHA-256", mechanism: pkcs11js.CKM_SHA256_HMAC },
  HS384: { family: "oct", scheme: "hmac", hash: "SHA-384", mechanism: pkcs11js.CKM_SHA384_HMAC },
  HS512: { family: "oct", scheme: "hmac", hash: "SHA-512", mechanism: pkcs11js.CKM_SHA512_HMAC },
};

export interface HashSpec {
  readonly bytes: number;
  /** RFC 8017 §9.2 note 1: the DER DigestInfo that precedes the digest in PKCS#1 v1.5 signatures. */
  readonly digestInfoPrefix: Buffer;
  /** CKM_SHAx and CKG_MGF1_SHAx, for PSS and OAEP parameters. */
  readonly mechanism: number;
  readonly mgf: number;
}

export const HASHES: Readonly<Record<HashName, HashSpec>> = {
  "SHA-256": {
    bytes: 32,
    digestInfoPrefix: Buffer.from("3031300d060960864801650304020105000420", "hex"),
    mechanism: pkcs11js.CKM_SHA256,
    mgf: pkcs11js.CKG_MGF1_SHA256,
  },
  "SHA-384": {
    bytes: 48,
    digestInfoPrefix: Buffer.from("3041300d060960864801650304020205000430", "hex"),
    mechanism: pkcs11js.CKM_SHA384,
    mgf: pkcs11js.CKG_MGF1_SHA384,
  },
  "SHA-512": {
    bytes: 64,
    digestInfoPrefix: Buffer.from("3051300d060960864801650304020305000440", "hex"),
    mechanism: pkcs11js.CKM_SHA512,
    mgf: pkcs11js.CKG_MGF1_SHA512,
  },
};

/** RFC 8017 §9.2 step 3: EM = 0x00 ‖ 0x01 ‖ PS (≥ 8 bytes) ‖ 0x00 ‖ T, so T ≤ k − 11. */
export const PKCS1_V15_OVERHEAD = 11;
