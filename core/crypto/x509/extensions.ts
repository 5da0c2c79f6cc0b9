import * as asn1js from "asn1js";
import { Extension } from "pkijs";
import { X509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { encodeDer, parseDerExactly, toArrayBuffer } from "./der.ts";
import { encodeSubjectAltNames, decodeSubjectAltNames, type ParsedSubjectAlternativeNames, type SubjectAlternativeNames } from "./general-names.ts";
import { decodeKeyUsage, encodeKeyUsage, type KeyUsageName } from "./key-usage.ts";

/**
 * The extensions a certificate policy asks for (RFC 5280 §4.2.1), built once for both the CSR's
 * extensionRequest and the self-signed certificate, and read back from any certificate.
 */
export interface RequestedExtensions {
  readonly sans?: SubjectAlternativeNames;
  /** EKU OIDs; undefined means Azure's default for a policy without `ekus`, an empty list means none. */
  readonly ekus?: readonly string[];
  /** Azure key usage names; undefined or empty means no KeyUsage extension (the API fills the policy's default). */
  readonly keyUsage?: readonly string[];
}

/**
 * serverAuth and clientAuth: what Azure puts in a certificate whose policy names no EKUs (its CSRs for
 * the SDKs' default policy carry exactly these two — azure-sdk-for-js keyvault-certificates recordings).
 */
export const DEFAULT_EKUS = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"] as const;

const DOTTED_OID = /^[0-2](?:\.(?:0|[1-9][0-9]*))+$/;

/**
 * KeyUsage (critical, as RFC 5280 §4.2.1.3 says it SHOULD be), ExtKeyUsage, SubjectAltName and
 * BasicConstraints cA=FALSE — the order and criticality of Azure's CSRs (KeyUsage critical,
 * BasicConstraints as an empty non-critical SEQUENCE). SAN is non-critical because the subject is
 * never empty here (RFC 5280 §4.2.1.6).
 */
export function requestedExtensions(request: RequestedExtensions): Extension[] {
  const extensions: Extension[] = [];
  const keyUsage = encodeKeyUsage(request.keyUsage);
  if (keyUsage) extensions.push(extension(OID.keyUsage, true, keyUsage));
  const ekus = request.ekus ?? DEFAULT_EKUS;
  if (ekus.length > 0) {
    for (const eku of ekus) if (typeof eku !== "string" || !DOTTED_OID.test(eku)) throw new X509Error(`"${String(eku)}" is not an OID.`);
    const unique = [...new Set(ekus)];
    extensions.push(extension(OID.extKeyUsage, false, new asn1js.Sequence({ value: unique.map((value) => new asn1js.ObjectIdentifier({ value })) })));
  }
  const sans = encodeSubjectAltNames(request.sans);
  if (sans) extensions.push(extension(OID.subjectAltName, false, sans));
  extensions.push(extension(OID.basicConstraints, false, new asn1js.Sequence({ value: [] })));
  return extensions;
}

/** SubjectKeyIdentifier (RFC 5280 §4.2.1.2). */
export function subjectKeyIdentifierExtension(keyIdentifier: Uint8Array): Extension {
  return extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: toArrayBuffer(keyIdentifier) }));
}

/** AuthorityKeyIdentifier with only keyIdentifier [0] (RFC 5280 §4.2.1.1). */
export function authorityKeyIdentifierExtension(keyIdentifier: Uint8Array): Extension {
  const id = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: toArrayBuffer(keyIdentifier) });
  return extension(OID.authorityKeyIdentifier, false, new asn1js.Sequence({ value: [id] }));
}

/**
 * The SubjectKeyIdentifier value: SHA-1 of the subjectPublicKey BIT STRING's bytes (RFC 5280
 * §4.2.1.2 method 1 — what OpenSSL's `subjectKeyIdentifier=hash` computes).
 */
export async function keyIdentifier(subjectPublicKey: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-1", toArrayBuffer(subjectPublicKey)));
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): Extension {
  return new Extension({ extnID, critical, extnValue: toArrayBuffer(encodeDer(value)) });
}

export interface ReadExtensions {
  readonly sans: ParsedSubjectAlternativeNames;
  readonly ekus: string[];
  readonly keyUsage: KeyUsageName[];
  /** BasicConstraints cA (false when the extension is absent, RFC 5280 §4.2.1.9). */
  readonly isCa: boolean;
}

/** Reads SAN, EKU, KeyUsage and BasicConstraints; a duplicated extension is an error (RFC 5280 §4.2). */
export function readExtensions(extensions: readonly Extension[] | undefined): ReadExtensions {
  const seen = new Set<string>();
  let sans: ParsedSubjectAlternativeNames = { dnsNames: [], emails: [], upns: [], uris: [], ipAddresses: [] };
  let ekus: string[] = [];
  let keyUsage: KeyUsageName[] = [];
  let isCa = false;
  for (const ext of extensions ?? []) {
    if (seen.has(ext.extnID)) throw new X509Error(`The certificate has the extension ${ext.extnID} twice.`);
    seen.add(ext.extnID);
    switch (ext.extnID) {
      case OID.subjectAltName:
        sans = decodeSubjectAltNames(valueOf(ext));
        break;
      case OID.extKeyUsage:
        ekus = readOids(valueOf(ext));
        break;
      case OID.keyUsage:
        keyUsage = decodeKeyUsage(valueOf(ext));
        break;
      case OID.basicConstraints:
        isCa = readCa(valueOf(ext));
        break;
      default:
        break;
    }
  }
  return { sans, ekus, keyUsage, isCa };
}

function valueOf(ext: Extension): asn1js.AsnType {
  const value = parseDerExactly(ext.extnValue.valueBlock.valueHexView);
  if (value === null) throw new X509Error(`The certificate's extension ${ext.extnID} is malformed.`);
  return value;
}

function readOids(value: asn1js.AsnType): string[] {
  if (!(value instanceof asn1js.Sequence)) throw new X509Error("The extended key usage extension is malformed.");
  return value.valueBlock.value.map((item) => {
    if (!(item instanceof asn1js.ObjectIdentifier)) throw new X509Error("The extended key usage extension is malformed.");
    return item.getValue();
  });
}

function readCa(value: asn1js.AsnType): boolean {
  if (!(value instanceof asn1js.Sequence)) throw new X509Error("The basic constraints extension is malformed.");
  const first = value.valueBlock.value[0];
  return first instanceof asn1js.Boolean ? first.getValue() : false;
}
