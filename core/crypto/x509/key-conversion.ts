import * as asn1js from "asn1js";
import { AlgorithmIdentifier, ECPrivateKey, PrivateKeyInfo } from "pkijs";
import type { EcPrivateJwk, PrivateJwk, RsaPrivateJwk } from "../keys/key-types.ts";
import { KEY_TYPES } from "../keys/key-types.ts";
import { base64UrlToBytes, bytesToBase64Url } from "../bytes.ts";
import { X509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import type { WebJwk } from "./web-jwk.ts";
import { encodeDer, parseDerExactly, toArrayBuffer } from "./der.ts";
import { curveForOid } from "./signing-key.ts";

/**
 * Private keys between the vault's JWKs and PKCS#8 PrivateKeyInfo (RFC 5208 §5), the form a PFX's
 * key bag and Azure's PEM secret hold. WebCrypto does the conversion both ways, so a key that comes
 * back is one WebCrypto accepted (RSA with all CRT members, EC with the public point checked).
 * secp256k1 (P-256K) is not in WebCrypto and is refused, as it is for certificates.
 */
export type CertificatePrivateJwk = RsaPrivateJwk | EcPrivateJwk;

type ImportAlgorithm = { name: string; hash?: string; namedCurve?: string };

export async function pkcs8FromPrivateJwk(jwk: PrivateJwk): Promise<Uint8Array<ArrayBuffer>> {
  if (jwk.kty === "oct") throw new X509Error("A symmetric key has no PKCS#8 form for a certificate.");
  const algorithm: ImportAlgorithm =
    jwk.kty === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: checkedCurve(jwk.crv) };
  try {
    const key = await crypto.subtle.importKey("jwk", { ...jwk }, algorithm, true, ["sign"]);
    return new Uint8Array((await crypto.subtle.exportKey("pkcs8", key)) as ArrayBuffer);
  } catch {
    throw new X509Error("The private key is not a valid key.");
  }
}

export async function privateJwkFromPkcs8(der: Uint8Array): Promise<CertificatePrivateJwk> {
  const info = readPrivateKeyInfo(der);
  const algorithm = info.privateKeyAlgorithm.algorithmId;
  if (algorithm === OID.rsaEncryption) {
    const jwk = await importExport(der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
    const { n, e, d, p, q, dp, dq, qi } = jwk;
    // Multi-prime keys (RFC 8017 §3.2 otherPrimeInfos) have no place in the vault's RSA JWK.
    if (!n || !e || !d || !p || !q || !dp || !dq || !qi || jwk.oth !== undefined) {
      throw new X509Error("The RSA private key must have exactly two primes and all CRT parameters.");
    }
    return { kty: "RSA", n, e, d, p, q, dp, dq, qi };
  }
  if (algorithm === OID.ecPublicKey) {
    const params = info.privateKeyAlgorithm.algorithmParams as unknown;
    const crv = curveForOid(params instanceof asn1js.ObjectIdentifier ? params.getValue() : "");
    const jwk = await importExport(der, { name: "ECDSA", namedCurve: crv });
    const size = KEY_TYPES.EC.curves[crv].coordinateBytes;
    return { kty: "EC", crv, x: fixedLength(jwk.x, size), y: fixedLength(jwk.y, size), d: fixedLength(jwk.d, size) };
  }
  throw new X509Error(`Unsupported private key algorithm (${algorithm}). Supported key types are [RSA, EC]`);
}

/** PKCS#1 RSAPrivateKey ("RSA PRIVATE KEY" PEM, RFC 8017 App. A.1.2) wrapped as PKCS#8. */
export function pkcs8FromPkcs1(der: Uint8Array): Uint8Array<ArrayBuffer> {
  if (parseDerExactly(der) === null) throw new X509Error("The RSA private key is malformed.");
  return wrap(new AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }), der);
}

/**
 * SEC 1 ECPrivateKey ("EC PRIVATE KEY" PEM, RFC 5915 §3) wrapped as PKCS#8; the curve comes from its
 * own parameters field, which OpenSSL always writes (RFC 5915: "SHOULD" be present).
 */
export function pkcs8FromSec1(der: Uint8Array): Uint8Array<ArrayBuffer> {
  const asn = parseDerExactly(der);
  let curveOid = "";
  try {
    if (asn === null) throw new Error("unreadable");
    curveOid = new ECPrivateKey({ schema: asn }).namedCurve ?? "";
  } catch {
    throw new X509Error("The EC private key is malformed.");
  }
  curveForOid(curveOid);
  const algorithm = new AlgorithmIdentifier({
    algorithmId: OID.ecPublicKey,
    algorithmParams: new asn1js.ObjectIdentifier({ value: curveOid }),
  });
  return wrap(algorithm, der);
}

function wrap(algorithm: AlgorithmIdentifier, privateKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const info = new PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: algorithm,
    privateKey: new asn1js.OctetString({ valueHex: toArrayBuffer(privateKey) }),
  });
  return encodeDer(info.toSchema());
}

function readPrivateKeyInfo(der: Uint8Array): PrivateKeyInfo {
  const asn = parseDerExactly(der);
  if (asn === null) throw new X509Error("The private key is not a valid PKCS#8 PrivateKeyInfo.");
  try {
    return new PrivateKeyInfo({ schema: asn });
  } catch {
    throw new X509Error("The private key is not a valid PKCS#8 PrivateKeyInfo.");
  }
}

async function importExport(der: Uint8Array, algorithm: ImportAlgorithm): Promise<WebJwk> {
  try {
    const key = await crypto.subtle.importKey("pkcs8", toArrayBuffer(der), algorithm, true, ["sign"]);
    return (await crypto.subtle.exportKey("jwk", key)) as WebJwk;
  } catch {
    throw new X509Error("The private key is not a valid key.");
  }
}

function checkedCurve(crv: string): string {
  return curveForOid(curveOidFor(crv));
}

function curveOidFor(crv: string): string {
  const table: Record<string, string> = { "P-256": OID.secp256r1, "P-384": OID.secp384r1, "P-521": OID.secp521r1, "P-256K": OID.secp256k1 };
  return table[crv] ?? "";
}

/** EC members are fixed-length octet strings (RFC 7518 §6.2.1.2, §6.2.2.1), left-padded if short. */
function fixedLength(member: string | undefined, size: number): string {
  const bytes = member === undefined ? null : base64UrlToBytes(member);
  if (bytes === null || bytes.length > size) throw new X509Error("The EC private key is not a valid key.");
  const padded = new Uint8Array(size);
  padded.set(bytes, size - bytes.length);
  return bytesToBase64Url(padded);
}
