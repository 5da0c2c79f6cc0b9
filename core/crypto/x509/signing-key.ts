import * as asn1js from "asn1js";
import { PublicKeyInfo, createCMSECDSASignature } from "pkijs";
import { base64UrlToBytes } from "../bytes.ts";
import type { EcPublicJwk, PrivateJwk, PublicJwk, RsaPublicJwk } from "../keys/key-types.ts";
import { X509Error, SECP256K1_REFUSED } from "./x509-error.ts";
import { OID } from "./oids.ts";
import type { WebJwk } from "./web-jwk.ts";
import { fromArrayBuffer, parseDerExactly, toArrayBuffer } from "./der.ts";

/**
 * Which key signs a certificate or CSR, and how. Certificates take RSA keys (signed
 * sha256WithRSAEncryption, PKCS#1 v1.5 — what Azure's self-signed certificates and CSRs use) and EC
 * keys on P-256/P-384/P-521 (ecdsa-with-SHA256/384/512, the hash matched to the curve as RFC 5480 §4
 * recommends). secp256k1 (Azure's P-256K) is refused: WebCrypto has no such curve and RFC 5480 does
 * not profile it for certificates.
 */
export type CertificateCurve = "P-256" | "P-384" | "P-521";
export type CertificateHash = "SHA-256" | "SHA-384" | "SHA-512";

export interface SignatureScheme {
  /** The signatureAlgorithm OID written into the certificate or CSR. */
  readonly oid: string;
  readonly hash: CertificateHash;
  /** The matching Azure/JWA key-operation algorithm, for a signer that only signs digests (Keys – Sign). */
  readonly jwa: "RS256" | "ES256" | "ES384" | "ES512";
}

interface CurveEntry {
  readonly oid: string;
  readonly scheme: SignatureScheme;
}

const RSA_SCHEME: SignatureScheme = { oid: OID.sha256WithRSAEncryption, hash: "SHA-256", jwa: "RS256" };

export const CERTIFICATE_CURVES: Readonly<Record<CertificateCurve, CurveEntry>> = {
  "P-256": { oid: OID.secp256r1, scheme: { oid: OID.ecdsaWithSha256, hash: "SHA-256", jwa: "ES256" } },
  "P-384": { oid: OID.secp384r1, scheme: { oid: OID.ecdsaWithSha384, hash: "SHA-384", jwa: "ES384" } },
  "P-521": { oid: OID.secp521r1, scheme: { oid: OID.ecdsaWithSha512, hash: "SHA-512", jwa: "ES512" } },
};

function curveEntry(crv: string): CurveEntry {
  if (crv === "P-256K") throw new X509Error(SECP256K1_REFUSED);
  if (!Object.hasOwn(CERTIFICATE_CURVES, crv)) {
    throw new X509Error(`Unsupported curve (${crv}). Supported curves are [${Object.keys(CERTIFICATE_CURVES).join(", ")}]`);
  }
  return CERTIFICATE_CURVES[crv as CertificateCurve];
}

export function signatureSchemeFor(jwk: PublicJwk): SignatureScheme {
  return jwk.kty === "RSA" ? RSA_SCHEME : curveEntry(jwk.crv).scheme;
}

/**
 * A key that can sign a to-be-signed structure. The seam is the same as KeyProvider's (docs/decisions.md §2.1):
 * `sign` returns what WebCrypto — and Azure's Keys – Sign — return, a PKCS#1 v1.5 signature for RSA
 * or r‖s (IEEE P1363) for ECDSA; this layer DER-encodes ECDSA signatures itself (RFC 5480 §2.2 /
 * RFC 3279 §2.2.3 Ecdsa-Sig-Value). An HSM-held key can implement it by hashing `data` with
 * `signatureSchemeFor(publicJwk).hash` and signing that digest with the scheme's `jwa`.
 */
export interface SigningKey {
  readonly publicJwk: PublicJwk;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * How callers name the signer: a software key as JWKs (the vault's stored form; `publicJwk`, if given,
 * must be the private key's own public part), or any SigningKey (an HSM-backed one, say).
 */
export type KeyInput =
  | { readonly privateJwk: PrivateJwk; readonly publicJwk?: PublicJwk; readonly key?: never }
  | { readonly key: SigningKey; readonly privateJwk?: never; readonly publicJwk?: never };

export async function resolveSigningKey(input: KeyInput): Promise<SigningKey> {
  if (input.key !== undefined) return input.key;
  const key = await signingKeyFromJwk(input.privateJwk);
  if (input.publicJwk !== undefined && !publicJwksEqual(input.publicJwk, key.publicJwk)) {
    throw new X509Error("The public key does not belong to the private key.");
  }
  return key;
}

/** A SigningKey for a software key held as a JWK (WebCrypto does the signing). */
export async function signingKeyFromJwk(privateJwk: PrivateJwk): Promise<SigningKey> {
  if (privateJwk.kty === "oct") throw new X509Error("A symmetric key cannot sign a certificate.");
  const algorithm = webCryptoAlgorithm(privateJwk);
  const key = await crypto.subtle.importKey("jwk", { ...privateJwk }, algorithm.import, false, ["sign"]).catch(() => {
    throw new X509Error("The key could not be used for signing.");
  });
  const publicJwk: PublicJwk =
    privateJwk.kty === "RSA"
      ? { kty: "RSA", n: privateJwk.n, e: privateJwk.e }
      : { kty: "EC", crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y };
  return {
    publicJwk,
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign(algorithm.sign, key, toArrayBuffer(data)));
    },
  };
}

/** The signatureValue BIT STRING content: ECDSA r‖s becomes the DER Ecdsa-Sig-Value. */
export function signatureValueBytes(publicJwk: PublicJwk, signature: Uint8Array): Uint8Array<ArrayBuffer> {
  if (publicJwk.kty === "RSA") return fromArrayBuffer(signature);
  return new Uint8Array(createCMSECDSASignature(toArrayBuffer(signature)));
}

type ImportAlgorithm = { name: string; hash?: string; namedCurve?: string };

function webCryptoAlgorithm(jwk: PublicJwk): { import: ImportAlgorithm; sign: AlgorithmIdentifierLike } {
  if (jwk.kty === "RSA") {
    return { import: { name: "RSASSA-PKCS1-v1_5", hash: RSA_SCHEME.hash }, sign: { name: "RSASSA-PKCS1-v1_5" } };
  }
  const entry = curveEntry(jwk.crv);
  return { import: { name: "ECDSA", namedCurve: jwk.crv }, sign: { name: "ECDSA", hash: entry.scheme.hash } };
}

type AlgorithmIdentifierLike = { name: string; hash?: string };

/** SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7) for a public JWK, as WebCrypto exports it. */
export async function spkiFromPublicJwk(jwk: PublicJwk): Promise<Uint8Array<ArrayBuffer>> {
  const algorithm = webCryptoAlgorithm(jwk);
  const publicOnly = jwk.kty === "RSA" ? { kty: "RSA", n: jwk.n, e: jwk.e } : { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  const key = await crypto.subtle.importKey("jwk", publicOnly, algorithm.import, true, ["verify"]).catch(() => {
    throw new X509Error("The public key is not a valid key.");
  });
  return new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
}

/** The public JWK of a SubjectPublicKeyInfo: RSA n/e, or EC crv/x/y (fixed-length, RFC 7518 §6.2.1). */
export async function publicJwkFromSpki(spki: Uint8Array): Promise<PublicJwk> {
  const asn = parseDerExactly(spki);
  if (asn === null) throw new X509Error("The public key is not a valid SubjectPublicKeyInfo.");
  let info: PublicKeyInfo;
  try {
    info = new PublicKeyInfo({ schema: asn });
  } catch {
    throw new X509Error("The public key is not a valid SubjectPublicKeyInfo.");
  }
  const algorithm = info.algorithm.algorithmId;
  if (algorithm === OID.rsaEncryption) {
    const exported = await importExport(spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
    if (typeof exported.n !== "string" || typeof exported.e !== "string") throw new X509Error("The RSA public key is not valid.");
    return { kty: "RSA", n: exported.n, e: exported.e } satisfies RsaPublicJwk;
  }
  if (algorithm === OID.ecPublicKey) {
    const params = info.algorithm.algorithmParams as unknown;
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.getValue() : "";
    const crv = curveForOid(curveOid);
    const exported = await importExport(spki, { name: "ECDSA", namedCurve: crv });
    if (typeof exported.x !== "string" || typeof exported.y !== "string") throw new X509Error("The EC public key is not valid.");
    return { kty: "EC", crv, x: exported.x, y: exported.y } satisfies EcPublicJwk;
  }
  throw new X509Error(`Unsupported public key algorithm (${algorithm}). Supported key types are [RSA, EC]`);
}

export function curveForOid(oid: string): CertificateCurve {
  if (oid === OID.secp256k1) throw new X509Error(SECP256K1_REFUSED);
  for (const [crv, entry] of Object.entries(CERTIFICATE_CURVES)) if (entry.oid === oid) return crv as CertificateCurve;
  throw new X509Error(`Unsupported EC curve (${oid || "unnamed"}). Supported curves are [P-256, P-384, P-521]`);
}

async function importExport(spki: Uint8Array, algorithm: ImportAlgorithm): Promise<WebJwk> {
  try {
    const key = await crypto.subtle.importKey("spki", toArrayBuffer(spki), algorithm, true, ["verify"]);
    return (await crypto.subtle.exportKey("jwk", key)) as WebJwk;
  } catch {
    throw new X509Error("The public key is not a valid key.");
  }
}

/** Whether two public keys are the same key (integers compared without leading zeros, RFC 7518 §6.3.1.1). */
export function publicJwksEqual(a: PublicJwk, b: PublicJwk): boolean {
  if (a.kty === "RSA" && b.kty === "RSA") return sameInteger(a.n, b.n) && sameInteger(a.e, b.e);
  if (a.kty === "EC" && b.kty === "EC") return a.crv === b.crv && sameInteger(a.x, b.x) && sameInteger(a.y, b.y);
  return false;
}

function sameInteger(a: string, b: string): boolean {
  const x = base64UrlToBytes(a);
  const y = base64UrlToBytes(b);
  if (x === null || y === null) return false;
  const strip = (bytes: Uint8Array): Uint8Array => bytes.subarray(bytes.findIndex((byte) => byte !== 0) >>> 0);
  const p = strip(x);
  const q = strip(y);
  return p.length === q.length && p.every((byte, i) => byte === q[i]);
}
