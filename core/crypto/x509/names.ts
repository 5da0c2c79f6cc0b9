import * as asn1js from "asn1js";
import { X509Error } from "./x509-error.ts";
import { isWellFormedText } from "../bytes.ts";
import { compareBytes, encodeDer, toHex } from "./der.ts";
import { NAME_ATTRIBUTES, attributeByKey, attributeByOid, type NameAttributeSpec } from "./name-attributes.ts";

/**
 * Distinguished names (RFC 5280 §4.1.2.4) between Azure's string form and DER.
 *
 * Azure's `x509_props.subject` is a Windows/.NET X.500 string ("CN=api.myapp.com, O=Contoso, C=US"):
 * RDNs separated by `,` or `;`, multi-valued RDNs joined by `+`, values optionally in double quotes
 * with `""` for a quote inside (CertStrToName's CERT_X500_NAME_STR syntax; no backslash escapes).
 * Like RFC 4514 §2.1 and .NET's X500DistinguishedName (whose default flag is `Reversed`), the string
 * lists the most specific RDN first, so its order is the reverse of the DER RDNSequence: "CN=a, C=US"
 * encodes C first. `formatName` prints DER back the same way, which is what the service returns for
 * an imported certificate's subject (.NET's `X500DistinguishedName.Name`: `S=` for the state, `E=`
 * for the e-mail address, `OID.x.y.z=` for a type without a name).
 */

export interface NameAttribute {
  /** The attribute type's OID. */
  readonly type: string;
  readonly value: string;
}

/** One RelativeDistinguishedName: usually one attribute, several when the string joined them with `+`. */
export type Rdn = readonly NameAttribute[];

/** A Name in DER order (the first RDN is the most general, e.g. the country). */
export type DistinguishedName = readonly Rdn[];

/** "The certificate subject name is limited to 200 characters" (Key Vault certificates FAQ, "char length is too long"). */
export const MAX_SUBJECT_LENGTH = 200;

/** Parses an Azure subject string; throws X509Error naming the problem. */
export function parseSubject(dn: string): DistinguishedName {
  if (typeof dn !== "string" || dn.trim() === "") throw new X509Error("The subject name is empty.");
  if (dn.length > MAX_SUBJECT_LENGTH) {
    throw new X509Error(`The subject name is longer than ${MAX_SUBJECT_LENGTH} characters.`);
  }
  const rdns = splitOutsideQuotes(dn, new Set([",", ";"])).map((part) => {
    if (part.trim() === "") throw new X509Error(`The subject name "${dn}" has an empty component.`);
    return splitOutsideQuotes(part, new Set(["+"])).map((assertion) => parseAttribute(assertion, dn));
  });
  // The string lists the most specific RDN first (RFC 4514 §2.1); DER lists it last.
  return rdns.reverse();
}

/** Azure's string form of a Name: most specific RDN first, ", " between RDNs, " + " inside one. */
export function formatName(name: DistinguishedName): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn.map((attribute) => `${labelOf(attribute.type)}=${quoteIfNeeded(attribute.value)}`).join(" + "))
    .join(", ");
}

/** The DER Name (RFC 5280 §4.1.2.4): SEQUENCE OF SET OF AttributeTypeAndValue. */
export function encodeName(name: DistinguishedName): asn1js.Sequence {
  return new asn1js.Sequence({
    value: name.map((rdn) => {
      const encoded = rdn.map((attribute) => encodeAttribute(attribute));
      // DER sorts the members of a SET OF by their encodings (X.690 §11.6).
      encoded.sort((a, b) => compareBytes(encodeDer(a), encodeDer(b)));
      return new asn1js.Set({ value: encoded });
    }),
  });
}

/** Reads a Name from its ASN.1 value; string types are decoded, anything else shown as `#hex` (RFC 4514 §2.4). */
export function decodeName(value: asn1js.AsnType): DistinguishedName {
  if (!(value instanceof asn1js.Sequence)) throw new X509Error("The name is not an X.500 Name.");
  return value.valueBlock.value.map((set) => {
    if (!(set instanceof asn1js.Set) || set.valueBlock.value.length === 0) throw new X509Error("The name is not an X.500 Name.");
    return set.valueBlock.value.map((pair) => {
      const [type, attributeValue] = pair instanceof asn1js.Sequence ? pair.valueBlock.value : [];
      if (!(type instanceof asn1js.ObjectIdentifier) || attributeValue === undefined) {
        throw new X509Error("The name is not an X.500 Name.");
      }
      return { type: type.getValue(), value: stringValue(attributeValue) };
    });
  });
}

function stringValue(value: asn1js.AsnType): string {
  if (value instanceof asn1js.BaseStringBlock) return value.getValue();
  return `#${toHex(encodeDer(value))}`;
}

function labelOf(oid: string): string {
  return attributeByOid(oid)?.label ?? `OID.${oid}`;
}

/** CertNameToStr quotes a value holding any of , + = " \n < > # ; or leading/trailing space; `"` doubles. */
function quoteIfNeeded(value: string): string {
  if (value === "" || /[,+="\n<>#;]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

function parseAttribute(assertion: string, dn: string): NameAttribute {
  const equals = assertion.indexOf("=");
  if (equals < 0) throw new X509Error(`The subject name "${dn}" is not of the form "CN=name, O=organization, ...".`);
  const key = assertion.slice(0, equals).trim();
  const spec = specForKey(key);
  if (spec === undefined) {
    const known = NAME_ATTRIBUTES.map((attribute) => attribute.label).join(", ");
    throw new X509Error(`The subject name has an unknown attribute "${key}". Known attributes are [${known}] or OID.n.n.n`);
  }
  const value = unquote(assertion.slice(equals + 1), dn);
  if (value === "") throw new X509Error(`The subject name "${dn}" has an empty value for ${key}.`);
  checkValue(spec, value);
  return { type: spec.oid, value };
}

/** A known key (case-insensitive, as Azure's own sample policy sends "cn=MyCert"), or OID.1.2.3 / 1.2.3. */
function specForKey(key: string): NameAttributeSpec | undefined {
  const known = attributeByKey(key);
  if (known) return known;
  const dotted = /^(?:oid\.)?([0-2](?:\.(?:0|[1-9][0-9]*))+)$/i.exec(key)?.[1];
  return dotted === undefined ? undefined : { oid: dotted, label: `OID.${dotted}`, keys: [], encoding: "directory" };
}

function unquote(raw: string, dn: string): string {
  const text = raw.trim();
  if (!text.startsWith('"')) {
    if (text.includes('"')) throw new X509Error(`The subject name "${dn}" has a stray quote.`);
    return text;
  }
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char !== '"') {
      value += char;
      continue;
    }
    if (text[i + 1] === '"') {
      value += '"';
      i++;
      continue;
    }
    if (i !== text.length - 1) throw new X509Error(`The subject name "${dn}" has text after a closing quote.`);
    return value;
  }
  throw new X509Error(`The subject name "${dn}" has an unterminated quote.`);
}

/** Splits at separators that are not inside double quotes. */
function splitOutsideQuotes(text: string, separators: ReadonlySet<string>): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && separators.has(char)) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const IA5 = /^[\x00-\x7f]*$/;

function checkValue(spec: NameAttributeSpec, value: string): void {
  // UTF8String is UTF-8 (X.680 §41), which has no form for a lone surrogate (asn1js throws a URIError).
  if (!isWellFormedText(value)) throw new X509Error(`The value of ${spec.label} is not valid Unicode text.`);
  if (spec.encoding === "country" && !/^[A-Za-z]{2}$/.test(value)) {
    throw new X509Error(`The country (C) must be a two-letter ISO 3166 code, not "${value}".`);
  }
  if (spec.encoding === "printable" && !PRINTABLE.test(value)) {
    throw new X509Error(`The value of ${spec.label} may only use the PrintableString characters.`);
  }
  if (spec.encoding === "ia5" && !IA5.test(value)) {
    throw new X509Error(`The value of ${spec.label} may only use ASCII characters.`);
  }
}

/**
 * String types: RFC 5280 §4.1.2.4 allows PrintableString or UTF8String for DirectoryString; like
 * Azure (its CSR for "cn=MyCert" encodes the CN as PrintableString — azure-sdk-for-js recording
 * keyvault-certificates …/recording_can_import_a_certificate_from_a_certificates_non_base64_secret_value.js)
 * we use PrintableString when the value fits it and UTF8String otherwise. Country and serialNumber are
 * PrintableString only (X.520), e-mail address and domainComponent IA5String (RFC 5280 App. A, RFC 4519).
 */
function encodeAttribute(attribute: NameAttribute): asn1js.Sequence {
  const spec = attributeByOid(attribute.type);
  const encoding = spec?.encoding ?? "directory";
  let value: asn1js.AsnType;
  if (encoding === "ia5") value = new asn1js.IA5String({ value: attribute.value });
  else if (encoding === "country" || encoding === "printable" || PRINTABLE.test(attribute.value)) {
    value = new asn1js.PrintableString({ value: attribute.value });
  } else value = new asn1js.Utf8String({ value: attribute.value });
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: attribute.type }), value] });
}
