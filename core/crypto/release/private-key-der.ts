import * as asn1js from "asn1js";
import type { EcCurve, PrivateJwk, RsaPrivateJwk, EcPrivateJwk } from "../keys/key-types.ts";
import { base64UrlToBytes } from "../bytes.ts";
import { OID } from "../x509/oids.ts";
import { encodeDer, toArrayBuffer } from "../x509/der.ts";

/**
 * The bytes a released key is: a private key as PKCS#8 PrivateKeyInfo DER (RFC 5208 §5) — RSAPrivateKey inside for
 * RSA (RFC 8017 App. A.1.2), ECPrivateKey with its curve and public point for EC (RFC 5915 §3) — and a symmetric
 * key's raw octets, as Azure's BYOK specification has the target key in a transfer blob. Encoded here rather than
 * through WebCrypto, which has no secp256k1 (P-256K) keys (docs/decisions.md §3.2).
 */
const CURVE_OIDS: Readonly<Record<EcCurve, string>> = {
  "P-256": OID.secp256r1,
  "P-384": OID.secp384r1,
  "P-521": OID.secp521r1,
  "P-256K": OID.secp256k1,
};

function member(value: string): Uint8Array {
  const bytes = base64UrlToBytes(value);
  if (bytes === null) throw new Error("stored key material is not base64url");
  return bytes;
}

/** A DER INTEGER of an unsigned big-endian value: leading zeros dropped, one 0x00 kept when the top bit is set. */
function unsignedInteger(bytes: Uint8Array): asn1js.Integer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const value = (trimmed[0] ?? 0) & 0x80 ? new Uint8Array([0, ...trimmed]) : new Uint8Array(trimmed);
  return new asn1js.Integer({ valueHex: toArrayBuffer(value) });
}

function privateKeyInfo(algorithm: asn1js.Sequence, privateKey: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeDer(
    new asn1js.Sequence({
      value: [new asn1js.Integer({ value: 0 }), algorithm, new asn1js.OctetString({ valueHex: toArrayBuffer(privateKey) })],
    }),
  );
}

function rsaPkcs8(jwk: RsaPrivateJwk): Uint8Array<ArrayBuffer> {
  const rsaPrivateKey = encodeDer(
    new asn1js.Sequence({
      value: [new asn1js.Integer({ value: 0 }), ...[jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map((m) => unsignedInteger(member(m)))],
    }),
  );
  const algorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.rsaEncryption }), new asn1js.Null()] });
  return privateKeyInfo(algorithm, rsaPrivateKey);
}

function ecPkcs8(jwk: EcPrivateJwk): Uint8Array<ArrayBuffer> {
  const curve = CURVE_OIDS[jwk.crv];
  const point = new Uint8Array([0x04, ...member(jwk.x), ...member(jwk.y)]);
  const ecPrivateKey = encodeDer(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 1 }),
        new asn1js.OctetString({ valueHex: toArrayBuffer(member(jwk.d)) }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.ObjectIdentifier({ value: curve })] }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.BitString({ valueHex: toArrayBuffer(point) })] }),
      ],
    }),
  );
  const algorithm = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: OID.ecPublicKey }), new asn1js.ObjectIdentifier({ value: curve })],
  });
  return privateKeyInfo(algorithm, ecPrivateKey);
}

/** The plaintext a release wraps for this key. Private material: the caller wipes it once wrapped. */
export function releasableKeyBytes(jwk: PrivateJwk): Uint8Array<ArrayBuffer> {
  if (jwk.kty === "RSA") return rsaPkcs8(jwk);
  if (jwk.kty === "EC") return ecPkcs8(jwk);
  return new Uint8Array(member(jwk.k));
}
