import * as asn1js from "asn1js";
import { AlgorithmIdentifier, PublicKeyInfo, RelativeDistinguishedNames } from "pkijs";
import { X509Error } from "./x509-error.ts";
import { encodeDer, parseDerExactly } from "./der.ts";
import { encodeName, type DistinguishedName } from "./names.ts";
import { signatureSchemeFor, signatureValueBytes, spkiFromPublicJwk, type SigningKey } from "./signing-key.ts";

/**
 * What certificates and CSRs share: the signature AlgorithmIdentifier, the subject public key, the
 * Name as a pkijs value, and "sign these TBS bytes, wrap them as SEQUENCE { tbs, algorithm, BIT STRING }"
 * (RFC 5280 §4.1.1, RFC 2986 §4).
 */

/**
 * sha256WithRSAEncryption carries NULL parameters (RFC 4055 §5: "MUST" be present as NULL); the
 * ecdsa-with-SHA* identifiers carry none (RFC 5758 §3.2: "MUST omit the parameters field").
 */
export function signatureAlgorithm(key: SigningKey): AlgorithmIdentifier {
  const scheme = signatureSchemeFor(key.publicJwk);
  return key.publicJwk.kty === "RSA"
    ? new AlgorithmIdentifier({ algorithmId: scheme.oid, algorithmParams: new asn1js.Null() })
    : new AlgorithmIdentifier({ algorithmId: scheme.oid });
}

export async function publicKeyInfo(key: SigningKey): Promise<PublicKeyInfo> {
  const spki = parseDerExactly(await spkiFromPublicJwk(key.publicJwk));
  if (spki === null) throw new Error("WebCrypto exported an unreadable SubjectPublicKeyInfo");
  return new PublicKeyInfo({ schema: spki });
}

/** A pkijs Name that re-encodes to exactly our DER (pkijs keeps the bytes it was parsed from). */
export function pkiName(name: DistinguishedName): RelativeDistinguishedNames {
  const der = parseDerExactly(encodeDer(encodeName(name)));
  if (der === null) throw new Error("could not re-read an encoded Name");
  return new RelativeDistinguishedNames({ schema: der });
}

/** Signs the DER of `tbs` with `key` and returns the DER of the signed structure. */
export async function signStructure(tbs: asn1js.AsnType, algorithm: AlgorithmIdentifier, key: SigningKey): Promise<Uint8Array<ArrayBuffer>> {
  const tbsDer = encodeDer(tbs);
  let signature: Uint8Array;
  try {
    signature = await key.sign(tbsDer);
  } catch (error) {
    if (error instanceof X509Error) throw error;
    throw new X509Error("The key could not sign the certificate.");
  }
  const signed = new asn1js.Sequence({
    value: [
      // Re-read from the bytes that were signed, so the output holds exactly those bytes.
      parseDerExactly(tbsDer) ?? tbs,
      algorithm.toSchema(),
      new asn1js.BitString({ valueHex: signatureValueBytes(key.publicJwk, signature) }),
    ],
  });
  return encodeDer(signed);
}
