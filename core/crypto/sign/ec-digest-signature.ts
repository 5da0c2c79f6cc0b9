/**
 * ECDSA over a caller-supplied digest: ES256 (P-256), ES384 (P-384), ES512 (P-521), ES256K
 * (secp256k1), with @noble/curves. Azure signs the digest (Keys – Sign), so noble must not re-hash:
 * `prehash: false` everywhere. Signatures are raw r ‖ s of fixed size (RFC 7518 §3.4), not DER.
 *
 * Signing is deterministic (RFC 6979 §3.2; noble's default without extraEntropy), so a signature
 * can be checked byte for byte against the RFC's vectors.
 */
import { VaultError } from "../../errors/vault-error.ts";
import { EC_IMPLEMENTATIONS as CURVES } from "../keys/ec-curves.ts";
import { KEY_TYPES, isEcCurve, type EcCurve, type EcPrivateJwk as StoredEcPrivateJwk } from "../keys/key-types.ts";
import { base64UrlToBytes, concatBytes, timingSafeEqual } from "../bytes.ts";
import {
  SIGNATURE_ALGORITHMS,
  assertDigestLength,
  digestLengthFits,
  type EcSignatureAlgorithm,
} from "./signature-algorithms.ts";

/** Bytes of a coordinate or scalar per curve (RFC 7518 §6.2.1.2: x, y, d are full length). */
const fieldBytes = (crv: EcCurve): number => KEY_TYPES.EC.curves[crv].coordinateBytes;

/** RFC 7518 §6.2 members as stored; `crv` may be any string here, since foreign keys are checked too. */
export type EcPrivateJwk = Pick<StoredEcPrivateJwk, "x" | "y" | "d"> & { readonly crv: string };
export type EcPublicJwk = Omit<EcPrivateJwk, "d">;

export interface EcVerifyingKey {
  readonly curve: EcCurve;
  /** SEC 1 §2.3.3 uncompressed point, 0x04 ‖ x ‖ y. */
  readonly publicKey: Uint8Array;
}
/** Holds the private scalar; lives only in memory, never in storage. */
export interface EcSigningKey extends EcVerifyingKey {
  readonly secretKey: Uint8Array;
}

/** A coordinate or scalar of exactly the curve's size; shorter encodings are left-padded, longer refused. */
function fieldElement(value: string, size: number): Uint8Array {
  const bytes = base64UrlToBytes(value);
  if (bytes === null || bytes.length === 0 || bytes.length > size) throw invalidKey();
  return concatBytes(new Uint8Array(size - bytes.length), bytes);
}

const invalidKey = (): VaultError => new VaultError("BadParameter", "The key is not a valid EC key.");

/** Parses and checks the point is on the curve (SEC 1 §3.2.2.1 via noble's point decoding). */
export function prepareEcVerifyingKey(jwk: EcPublicJwk): EcVerifyingKey {
  if (!isEcCurve(jwk.crv)) throw invalidKey();
  const size = fieldBytes(jwk.crv);
  const publicKey = concatBytes(Uint8Array.of(0x04), fieldElement(jwk.x, size), fieldElement(jwk.y, size));
  if (!CURVES[jwk.crv].utils.isValidPublicKey(publicKey, false)) throw invalidKey();
  return { curve: jwk.crv, publicKey };
}

/**
 * Parses the private scalar and checks it is in [1, n − 1] and that d·G is the stated public point:
 * a key whose halves disagree would sign what it can never verify.
 */
export function prepareEcSigningKey(jwk: EcPrivateJwk): EcSigningKey {
  const { curve, publicKey } = prepareEcVerifyingKey(jwk);
  const secretKey = fieldElement(jwk.d, fieldBytes(curve));
  const ecdsa = CURVES[curve];
  if (!ecdsa.utils.isValidSecretKey(secretKey) || !timingSafeEqual(ecdsa.getPublicKey(secretKey, false), publicKey)) {
    throw invalidKey();
  }
  return { curve, publicKey, secretKey };
}

function assertCurve(alg: EcSignatureAlgorithm, key: EcVerifyingKey): void {
  if (SIGNATURE_ALGORITHMS[alg].curve !== key.curve) {
    throw new VaultError("BadParameter", `The algorithm ${alg} does not fit this key.`);
  }
}

/** ECDSA signature generation (FIPS 186-5 §6.4.1) on the digest, k per RFC 6979; returns r ‖ s. */
export function ecSignDigest(alg: EcSignatureAlgorithm, key: EcSigningKey, digest: Uint8Array): Uint8Array {
  assertDigestLength(alg, digest);
  assertCurve(alg, key);
  return CURVES[key.curve].sign(digest, key.secretKey, {
    prehash: false,
    lowS: SIGNATURE_ALGORITHMS[alg].lowS,
    format: "compact",
  });
}

/**
 * ECDSA verification (FIPS 186-5 §6.4.2) of r ‖ s on the digest. High S is accepted (`lowS: false`):
 * ECDSA itself allows both s and n − s, and foreign signers (OpenSSL, HSMs) emit either.
 * Never throws: any malformed input is just not a valid signature.
 */
export function ecVerifyDigest(alg: EcSignatureAlgorithm, key: EcVerifyingKey, digest: Uint8Array, signature: Uint8Array): boolean {
  const descriptor = SIGNATURE_ALGORITHMS[alg];
  if (descriptor.curve !== key.curve || !digestLengthFits(alg, digest.length)) return false;
  if (signature.length !== 2 * descriptor.scalarLength) return false;
  try {
    return CURVES[key.curve].verify(signature, digest, key.publicKey, { prehash: false, lowS: false, format: "compact" });
  } catch {
    return false;
  }
}
