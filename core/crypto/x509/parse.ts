import { Certificate } from "pkijs";
import type { PublicJwk } from "../keys/key-types.ts";
import { bytesToBase64Url } from "../bytes.ts";
import { X509Error, CERTIFICATE_UNREADABLE } from "./x509-error.ts";
import { SIGNATURE_ALGORITHM_NAMES } from "./oids.ts";
import { encodeDer, parseDerExactly, toArrayBuffer } from "./der.ts";
import { decodeName, formatName } from "./names.ts";
import { readExtensions } from "./extensions.ts";
import type { ParsedSubjectAlternativeNames } from "./general-names.ts";
import type { KeyUsageName } from "./key-usage.ts";
import { serialNumberHex } from "./serial-number.ts";
import { publicJwkFromSpki } from "./signing-key.ts";

/** What the certificates API shows of a certificate (x509_props, x5t, attributes nbf/exp). */
export interface ParsedCertificate {
  /** Azure's string form, most specific RDN first ("CN=a, O=b, C=US"); see names.ts. */
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, no sign octet (node:crypto X509Certificate.serialNumber's form). */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sans: ParsedSubjectAlternativeNames;
  readonly ekus: string[];
  readonly keyUsage: KeyUsageName[];
  /** BasicConstraints cA. */
  readonly isCa: boolean;
  readonly publicJwk: PublicJwk;
  /** base64url SHA-1 of the DER: Azure's `x5t` (RFC 7517 §4.8 "x5t" is the same thumbprint). */
  readonly x5t: string;
  /** OpenSSL's name for the signature algorithm, or its OID when it has none here. */
  readonly signatureAlgorithm: string;
  /** Issuer and subject are the same name (RFC 5280 §6.1 "self-issued"); says nothing of the signature. */
  readonly isSelfIssued: boolean;
}

/** Reads a DER certificate into a pkijs value, or throws X509Error. Trailing bytes are refused. */
export function readCertificate(der: Uint8Array): Certificate {
  const asn = parseDerExactly(der);
  if (asn === null) throw new X509Error(CERTIFICATE_UNREADABLE);
  let certificate: Certificate;
  try {
    certificate = new Certificate({ schema: asn });
  } catch {
    throw new X509Error(CERTIFICATE_UNREADABLE);
  }
  // RFC 5280 §4.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier" as tbs.signature.
  if (certificate.signature.algorithmId !== certificate.signatureAlgorithm.algorithmId) {
    throw new X509Error(CERTIFICATE_UNREADABLE);
  }
  return certificate;
}

export async function parseCertificate(der: Uint8Array): Promise<ParsedCertificate> {
  const certificate = readCertificate(der);
  const { sans, ekus, keyUsage, isCa } = readExtensions(certificate.extensions);
  const publicJwk = await publicJwkFromSpki(encodeDer(certificate.subjectPublicKeyInfo.toSchema()));
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-1", toArrayBuffer(der)));
  const algorithm = certificate.signatureAlgorithm.algorithmId;
  return {
    subject: formatName(decodeName(certificate.subject.toSchema())),
    issuer: formatName(decodeName(certificate.issuer.toSchema())),
    serialNumber: serialNumberHex(certificate.serialNumber),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    sans,
    ekus,
    keyUsage,
    isCa,
    publicJwk,
    x5t: bytesToBase64Url(thumbprint),
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[algorithm] ?? algorithm,
    isSelfIssued: certificate.issuer.isEqual(certificate.subject),
  };
}
