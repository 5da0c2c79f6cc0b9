/**
 * The attribute types a subject string may name. Keys are those CertStrToName accepts (Windows
 * "X500 keys": CN, L, O, OU, E/Email, C, S/ST, STREET, T/Title, G/GivenName, I/Initials, SN, DC,
 * SERIALNUMBER …), matched case-insensitively; `label` is what .NET's X500DistinguishedName prints.
 * OIDs: X.520 / RFC 4519 §2, e-mail address RFC 2985 §5.2.1, domainComponent RFC 4519 §2.4.
 */
export type NameEncoding = "directory" | "printable" | "country" | "ia5";

export interface NameAttributeSpec {
  readonly oid: string;
  readonly label: string;
  readonly keys: readonly string[];
  readonly encoding: NameEncoding;
}

export const NAME_ATTRIBUTES: readonly NameAttributeSpec[] = [
  { oid: "2.5.4.3", label: "CN", keys: ["CN", "COMMONNAME"], encoding: "directory" },
  { oid: "2.5.4.11", label: "OU", keys: ["OU", "ORGANIZATIONALUNITNAME"], encoding: "directory" },
  { oid: "2.5.4.10", label: "O", keys: ["O", "ORGANIZATIONNAME"], encoding: "directory" },
  { oid: "2.5.4.7", label: "L", keys: ["L", "LOCALITYNAME"], encoding: "directory" },
  { oid: "2.5.4.8", label: "S", keys: ["S", "ST", "STATEORPROVINCENAME"], encoding: "directory" },
  { oid: "2.5.4.6", label: "C", keys: ["C", "COUNTRYNAME"], encoding: "country" },
  { oid: "1.2.840.113549.1.9.1", label: "E", keys: ["E", "EMAIL", "EMAILADDRESS"], encoding: "ia5" },
  { oid: "2.5.4.9", label: "STREET", keys: ["STREET", "STREETADDRESS"], encoding: "directory" },
  { oid: "2.5.4.17", label: "PostalCode", keys: ["POSTALCODE"], encoding: "directory" },
  { oid: "2.5.4.12", label: "T", keys: ["T", "TITLE"], encoding: "directory" },
  { oid: "2.5.4.42", label: "G", keys: ["G", "GN", "GIVENNAME"], encoding: "directory" },
  { oid: "2.5.4.43", label: "I", keys: ["I", "INITIALS"], encoding: "directory" },
  { oid: "2.5.4.4", label: "SN", keys: ["SN", "SURNAME"], encoding: "directory" },
  { oid: "2.5.4.5", label: "SERIALNUMBER", keys: ["SERIALNUMBER"], encoding: "printable" },
  { oid: "2.5.4.13", label: "Description", keys: ["DESCRIPTION"], encoding: "directory" },
  { oid: "2.5.4.46", label: "dnQualifier", keys: ["DNQUALIFIER"], encoding: "printable" },
  { oid: "0.9.2342.19200300.100.1.25", label: "DC", keys: ["DC", "DOMAINCOMPONENT"], encoding: "ia5" },
  { oid: "0.9.2342.19200300.100.1.1", label: "UID", keys: ["UID", "USERID"], encoding: "directory" },
];

const BY_KEY = new Map(NAME_ATTRIBUTES.flatMap((spec) => spec.keys.map((key) => [key, spec] as const)));
const BY_OID = new Map(NAME_ATTRIBUTES.map((spec) => [spec.oid, spec] as const));

export function attributeByKey(key: string): NameAttributeSpec | undefined {
  return BY_KEY.get(key.toUpperCase());
}

export function attributeByOid(oid: string): NameAttributeSpec | undefined {
  return BY_OID.get(oid);
}
