import * as asn1js from "asn1js";
import { X509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { formatIpAddress, parseIpAddress } from "./ip-address.ts";

/**
 * Subject alternative names (RFC 5280 §4.2.1.6) as Azure's policy names them (`sans`: dns_names,
 * emails, upns; uris and ip_addresses in later API versions). A UPN is Microsoft's otherName
 * szOID_NT_PRINCIPAL_NAME with a UTF8String value, as Windows and AD CS write it.
 */
export interface SubjectAlternativeNames {
  readonly dnsNames?: readonly string[];
  readonly emails?: readonly string[];
  readonly upns?: readonly string[];
  readonly uris?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

export interface ParsedSubjectAlternativeNames {
  readonly dnsNames: string[];
  readonly emails: string[];
  readonly upns: string[];
  readonly uris: string[];
  readonly ipAddresses: string[];
}

// GeneralName CHOICE tags (RFC 5280 §4.2.1.6), all context-specific and IMPLICIT.
const TAG = { otherName: 0, rfc822Name: 1, dNSName: 2, uniformResourceIdentifier: 6, iPAddress: 7 } as const;
const CONTEXT = 3;

// IA5String content: ASCII without controls or space for names; RFC 5280 §7.2–7.3 want A-labels and
// percent-encoded URIs, so non-ASCII input is refused rather than silently re-encoded.
const DNS_NAME = /^(?:\*\.)?[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const EMAIL = /^[\x21-\x3f\x41-\x7e]+@[A-Za-z0-9.-]+$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/;

/** The GeneralNames value of a SubjectAltName extension; null when there is no name at all. */
export function encodeSubjectAltNames(sans: SubjectAlternativeNames | undefined): asn1js.Sequence | null {
  if (sans === undefined) return null;
  const names: asn1js.AsnType[] = [];
  for (const name of sans.dnsNames ?? []) {
    if (name.length > 253 || !DNS_NAME.test(name)) throw new X509Error(`"${name}" is not a valid DNS name.`);
    names.push(ia5(TAG.dNSName, name));
  }
  for (const email of sans.emails ?? []) {
    if (!EMAIL.test(email)) throw new X509Error(`"${email}" is not a valid e-mail address.`);
    names.push(ia5(TAG.rfc822Name, email));
  }
  for (const upn of sans.upns ?? []) {
    if (upn.trim() === "") throw new X509Error("A user principal name is empty.");
    names.push(userPrincipalName(upn));
  }
  for (const uri of sans.uris ?? []) {
    if (!URI.test(uri)) throw new X509Error(`"${uri}" is not a valid absolute URI.`);
    names.push(ia5(TAG.uniformResourceIdentifier, uri));
  }
  for (const address of sans.ipAddresses ?? []) {
    const bytes = parseIpAddress(address);
    if (bytes === null) throw new X509Error(`"${address}" is not a valid IPv4 or IPv6 address.`);
    names.push(new asn1js.Primitive({ idBlock: { tagClass: CONTEXT, tagNumber: TAG.iPAddress }, valueHex: bytes }));
  }
  return names.length === 0 ? null : new asn1js.Sequence({ value: names });
}

/** Reads GeneralNames; kinds Azure has no field for (directoryName, registeredID, other otherNames) are skipped. */
export function decodeSubjectAltNames(value: asn1js.AsnType): ParsedSubjectAlternativeNames {
  const result: ParsedSubjectAlternativeNames = { dnsNames: [], emails: [], upns: [], uris: [], ipAddresses: [] };
  if (!(value instanceof asn1js.Sequence)) throw new X509Error("The subject alternative name extension is malformed.");
  for (const name of value.valueBlock.value) {
    if (name.idBlock.tagClass !== CONTEXT) throw new X509Error("The subject alternative name extension is malformed.");
    switch (name.idBlock.tagNumber) {
      case TAG.dNSName:
        result.dnsNames.push(ascii(name));
        break;
      case TAG.rfc822Name:
        result.emails.push(ascii(name));
        break;
      case TAG.uniformResourceIdentifier:
        result.uris.push(ascii(name));
        break;
      case TAG.iPAddress: {
        const text = formatIpAddress(primitiveBytes(name));
        if (text === null) throw new X509Error("The subject alternative name extension has a malformed IP address.");
        result.ipAddresses.push(text);
        break;
      }
      case TAG.otherName: {
        const upn = readUserPrincipalName(name);
        if (upn !== null) result.upns.push(upn);
        break;
      }
      default:
        break;
    }
  }
  return result;
}

function ia5(tagNumber: number, text: string): asn1js.Primitive {
  return new asn1js.Primitive({ idBlock: { tagClass: CONTEXT, tagNumber }, valueHex: new TextEncoder().encode(text) });
}

/** otherName ::= [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT UTF8String } (RFC 5280 App. A.2). */
function userPrincipalName(upn: string): asn1js.Constructed {
  return new asn1js.Constructed({
    idBlock: { tagClass: CONTEXT, tagNumber: TAG.otherName },
    value: [
      new asn1js.ObjectIdentifier({ value: OID.userPrincipalName }),
      new asn1js.Constructed({ idBlock: { tagClass: CONTEXT, tagNumber: 0 }, value: [new asn1js.Utf8String({ value: upn })] }),
    ],
  });
}

function readUserPrincipalName(name: asn1js.AsnType): string | null {
  if (!(name instanceof asn1js.Constructed)) throw new X509Error("The subject alternative name extension is malformed.");
  const [typeId, wrapped] = name.valueBlock.value;
  if (!(typeId instanceof asn1js.ObjectIdentifier) || !(wrapped instanceof asn1js.Constructed)) {
    throw new X509Error("The subject alternative name extension is malformed.");
  }
  if (typeId.getValue() !== OID.userPrincipalName) return null;
  const inner = wrapped.valueBlock.value[0];
  if (!(inner instanceof asn1js.BaseStringBlock)) throw new X509Error("The subject alternative name has a malformed UPN.");
  return inner.getValue();
}

function primitiveBytes(name: asn1js.AsnType): Uint8Array {
  if (!(name instanceof asn1js.Primitive)) throw new X509Error("The subject alternative name extension is malformed.");
  return name.valueBlock.valueHexView;
}

function ascii(name: asn1js.AsnType): string {
  return String.fromCharCode(...primitiveBytes(name));
}
