import { describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { formatName, parseSubject, parseCertificate, X509Error } from "../../core/crypto/x509/index.ts";
import { encodeName } from "../../core/crypto/x509/names.ts";
import { encodeDer } from "../../core/crypto/x509/der.ts";
import { fixtureBytes, fixtureFacts, fromBase64, toHex } from "../vectors/x509/fixtures.ts";

const CN = "2.5.4.3";
const O = "2.5.4.10";
const OU = "2.5.4.11";
const L = "2.5.4.7";
const ST = "2.5.4.8";
const C = "2.5.4.6";
const E = "1.2.840.113549.1.9.1";

function expectX509Error(action: () => unknown, message: RegExp): void {
  expect(action).toThrow(X509Error);
  expect(action).toThrow(message);
}

describe("parseSubject", () => {
  it("reads Azure's example, most specific RDN first, into DER order", () => {
    const name = parseSubject("CN=api.myapp.com, O=Contoso, OU=IT, L=Redmond, ST=WA, C=US, E=a@b.c");
    expect(name).toStrictEqual([
      [{ type: E, value: "a@b.c" }],
      [{ type: C, value: "US" }],
      [{ type: ST, value: "WA" }],
      [{ type: L, value: "Redmond" }],
      [{ type: OU, value: "IT" }],
      [{ type: O, value: "Contoso" }],
      [{ type: CN, value: "api.myapp.com" }],
    ]);
  });

  it("accepts semicolons, lower-case keys (the SDK default policy sends cn=MyCert), S for the state and OID keys", () => {
    expect(parseSubject("cn=MyCert")).toStrictEqual([[{ type: CN, value: "MyCert" }]]);
    expect(parseSubject("CN=a;O=b ;  S=WA")).toStrictEqual([[{ type: ST, value: "WA" }], [{ type: O, value: "b" }], [{ type: CN, value: "a" }]]);
    expect(parseSubject("OID.2.5.4.3=x, 2.5.4.10=y")).toStrictEqual([[{ type: O, value: "y" }], [{ type: CN, value: "x" }]]);
    expect(parseSubject("EMAIL=x@y.z, emailAddress=p@q.r")).toStrictEqual([[{ type: E, value: "p@q.r" }], [{ type: E, value: "x@y.z" }]]);
  });

  it("keeps separators and quotes inside double quotes, with \"\" for a quote", () => {
    expect(parseSubject('CN="Contoso, Inc.", O="say ""hi""; bye"')).toStrictEqual([
      [{ type: O, value: 'say "hi"; bye' }],
      [{ type: CN, value: "Contoso, Inc." }],
    ]);
    expect(parseSubject('CN="  padded  "')).toStrictEqual([[{ type: CN, value: "  padded  " }]]);
  });

  it("reads a multi-valued RDN joined with +", () => {
    expect(parseSubject("CN=a+OU=b, O=c")).toStrictEqual([[{ type: O, value: "c" }], [{ type: CN, value: "a" }, { type: OU, value: "b" }]]);
  });

  it("refuses what it cannot read, saying why", () => {
    expectX509Error(() => parseSubject(""), /empty/);
    expectX509Error(() => parseSubject("   "), /empty/);
    expectX509Error(() => parseSubject("api.myapp.com"), /not of the form/);
    expectX509Error(() => parseSubject("CN=a,,O=b"), /empty component/);
    expectX509Error(() => parseSubject("CN=a,"), /empty component/);
    expectX509Error(() => parseSubject("XX=a"), /unknown attribute "XX"/);
    expectX509Error(() => parseSubject("CN="), /empty value/);
    expectX509Error(() => parseSubject('CN="open'), /unterminated quote/);
    expectX509Error(() => parseSubject('CN="a"b'), /after a closing quote/);
    expectX509Error(() => parseSubject('CN=a"b'), /stray quote/);
    expectX509Error(() => parseSubject("C=USA"), /two-letter/);
    expectX509Error(() => parseSubject("E=jörg@example.com"), /ASCII/);
    expectX509Error(() => parseSubject(`CN=${"a".repeat(198)}`), /200 characters/);
  });
});

describe("formatName", () => {
  it("prints DER order back most specific first, with .NET's labels (S, E) and ', ' between RDNs", () => {
    const text = "CN=api.myapp.com, O=Contoso, OU=IT, L=Redmond, ST=WA, C=US, E=a@b.c";
    expect(formatName(parseSubject(text))).toBe("CN=api.myapp.com, O=Contoso, OU=IT, L=Redmond, S=WA, C=US, E=a@b.c");
  });

  it("quotes values with separators or edge spaces, doubling quotes, so the output parses back", () => {
    const input = 'CN="Contoso, Inc.", O="say ""hi""", OU=" x", L="a+b=c", ST=plain';
    const name = parseSubject(input);
    const text = formatName(name);
    expect(text).toBe('CN="Contoso, Inc.", O="say ""hi""", OU=" x", L="a+b=c", S=plain');
    expect(parseSubject(text)).toStrictEqual(name);
  });

  it("names unknown attribute types OID.n.n", () => {
    expect(formatName([[{ type: "1.3.6.1.4.1.99999.1", value: "v" }]])).toBe("OID.1.3.6.1.4.1.99999.1=v");
  });
});

describe("encodeName", () => {
  it("matches Azure's own CSR byte for byte for cn=MyCert (PrintableString, azure-sdk-for-js recording)", () => {
    // Subject of the CSR Azure returned for {"x509_props":{"subject":"cn=MyCert"}} (keyvault-certificates
    // recording …canimportacertificatefromacertificatesnonbase64secretvalue): 30 11 31 0f 30 0d 06 03 55 04 03 13 06 "MyCert".
    const azureCsr = fromBase64(
      "MIICoTCCAYkCAQAwETEPMA0GA1UEAxMGTXlDZXJ0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzMQMTRSG8t88Tbtmopvb/+OTX2Ie3AQYlzsIADGKiLTJozroUi60LsM4IUygIbnXv8578OduZ+De35fKYi+P7laIKXdVFSusGKR6FxiInF7NZ9IFEOGWQWcBz21GmgSux9LQWqXKJJV41HQfuNYN2EKXKjwy8xnQs4VLvTtT/hrMvKT67XicmqCe/zRDwM3PFXEA6j1wt1BI8I6pA5zjfhQWu9YoQPS1i85fapGxWEvH7+vnMniy7jCgGR5DRzuJyof671n/whVq96z5imsJmUHclYxa0afI4C6zbeerznyEuG0Mpzb2OcAo9NEbRcEYBlbzHKkrB3Y056vbvHJaVwIDAQABoEswSQYJKoZIhvcNAQkOMTwwOjAOBgNVHQ8BAf8EBAMCBaAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMAkGA1UdEwQCMAAwDQYJKoZIhvcNAQELBQADggEBAGpGHGs0zGzfWL37jozaKh15g5GEr1NdKYmkAO+nc3anXjAhlgNJljPfXNVNgf0sABbUoypInBK+cI4TqO3rMJ3fs+ezlhitLBW4v/d2qNQEOfgsxfeP0O436rm8uAWidIsWpT+ZDi+fdifPPxi4WFbB2RyuT8Ddw5zzkYu8XK4Lbm++lUgecKkmR6cSDtqdxmfe5D0ICymUDccnkB+i+lHV+Q7VMWHrhqOiXSxa+hFRWNjWIKsYTf2QC7N67vGrOdh47qEmtHofrOfNsJ7vE+exx5F5na7tYNMCIEb6PKWZ5GiTP8a3Y5vnFrsKiVVUEvZqk9w2ZGq1tJre+dms2qM=",
    );
    const ours = encodeDer(encodeName(parseSubject("cn=MyCert")));
    expect(toHex(ours)).toBe("3011310f300d060355040313064d7943657274");
    expect(toHex(azureCsr)).toContain(toHex(ours));
  });

  it("uses UTF8String only for what PrintableString cannot hold, IA5String for e-mail, and sorts a multi-valued RDN", () => {
    expect(toHex(encodeDer(encodeName(parseSubject("L=Zürich"))))).toBe("30123110300e06035504070c075ac3bc72696368");
    expect(toHex(encodeDer(encodeName(parseSubject("E=a@b.c"))))).toBe("3016311430120609" + "2a864886f70d010901" + "1605" + toHex(new TextEncoder().encode("a@b.c")));
    // DER SET OF: the OU (…04 0b) element sorts after the CN (…04 03) one whichever is written first.
    expect(encodeDer(encodeName(parseSubject("OU=b+CN=a")))).toStrictEqual(encodeDer(encodeName(parseSubject("CN=a+OU=b"))));
  });
});

describe("names against independent readers", () => {
  it("reads OpenSSL's certificate subjects as OpenSSL prints them in RFC 2253 form (same order, Windows labels)", async () => {
    const fromRfc2253 = (text: string): string =>
      text
        .split(",")
        .map((part) => part.replace(/^emailAddress=/, "E=").replace(/^ST=/, "S="))
        .join(", ");
    for (const name of ["rsa-cert", "ec-cert", "ca-cert", "leaf-cert"] as const) {
      const parsed = await parseCertificate(fixtureBytes(name));
      expect(parsed.subject, name).toBe(fromRfc2253(fixtureFacts(name).subjectRfc2253));
    }
  });

  it("node:crypto reads the DER the parser writes in the reverse order of the string", async () => {
    const { issueSelfSigned } = await import("../../core/crypto/x509/index.ts");
    const { generateEc } = await import("../../core/crypto/keys/generate-key.ts");
    const notBefore = new Date("2030-01-01T00:00:00Z");
    const der = await issueSelfSigned({
      subject: 'CN=api.myapp.com, O="Contoso, Ltd", OU=IT, L=Zürich, ST=WA, C=US, E=a@b.c',
      notBefore,
      notAfter: new Date("2031-01-01T00:00:00Z"),
      privateJwk: generateEc("P-256"),
    });
    const node = new X509Certificate(der);
    expect(node.subject.split("\n")).toStrictEqual([
      "emailAddress=a@b.c",
      "C=US",
      "ST=WA",
      "L=Zürich",
      "OU=IT",
      "O=Contoso\\, Ltd", // node escapes the comma (RFC 2253 style)
      "CN=api.myapp.com",
    ]);
    expect(node.issuer).toBe(node.subject);
  });
});
