/**
 * PKCS#10: our requests against Azure's own (a CSR the service returned, kept in the Azure SDK's
 * recordings) and OpenSSL's, with signatures checked by node:crypto over bytes cut out by an
 * independent DER walker.
 */
import { describe, expect, it } from "vitest";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { generateEc, generateRsa } from "../../core/crypto/keys/generate-key.ts";
import type { PublicJwk } from "../../core/crypto/keys/key-types.ts";
import { createCsr, parseCsr, X509Error, CSR_UNREADABLE } from "../../core/crypto/x509/index.ts";
import { children, fixtureBytes, fromBase64, splitSigned, toHex } from "../vectors/x509/fixtures.ts";

/**
 * The CSR Azure returned for POST /certificates/{name}/create with {"x509_props":{"subject":"cn=MyCert"}}
 * and no key_usage, ekus or SANs (Azure/azure-sdk-for-js, sdk/keyvault/keyvault-certificates/recordings/node/
 * certificates_client__merge_and_import_certificates/recording_can_import_a_certificate_from_a_certificates_non_base64_secret_value.js).
 */
const AZURE_CSR = fromBase64(
  "MIICoTCCAYkCAQAwETEPMA0GA1UEAxMGTXlDZXJ0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzMQMTRSG8t88Tbtmopvb/+OTX2Ie3AQYlzsIADGKiLTJozroUi60LsM4IUygIbnXv8578OduZ+De35fKYi+P7laIKXdVFSusGKR6FxiInF7NZ9IFEOGWQWcBz21GmgSux9LQWqXKJJV41HQfuNYN2EKXKjwy8xnQs4VLvTtT/hrMvKT67XicmqCe/zRDwM3PFXEA6j1wt1BI8I6pA5zjfhQWu9YoQPS1i85fapGxWEvH7+vnMniy7jCgGR5DRzuJyof671n/whVq96z5imsJmUHclYxa0afI4C6zbeerznyEuG0Mpzb2OcAo9NEbRcEYBlbzHKkrB3Y056vbvHJaVwIDAQABoEswSQYJKoZIhvcNAQkOMTwwOjAOBgNVHQ8BAf8EBAMCBaAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMAkGA1UdEwQCMAAwDQYJKoZIhvcNAQELBQADggEBAGpGHGs0zGzfWL37jozaKh15g5GEr1NdKYmkAO+nc3anXjAhlgNJljPfXNVNgf0sABbUoypInBK+cI4TqO3rMJ3fs+ezlhitLBW4v/d2qNQEOfgsxfeP0O436rm8uAWidIsWpT+ZDi+fdifPPxi4WFbB2RyuT8Ddw5zzkYu8XK4Lbm++lUgecKkmR6cSDtqdxmfe5D0ICymUDccnkB+i+lHV+Q7VMWHrhqOiXSxa+hFRWNjWIKsYTf2QC7N67vGrOdh47qEmtHofrOfNsJ7vE+exx5F5na7tYNMCIEb6PKWZ5GiTP8a3Y5vnFrsKiVVUEvZqk9w2ZGq1tJre+dms2qM=",
);

function publicPem(jwk: PublicJwk): string {
  return String(createPublicKey({ key: { ...jwk }, format: "jwk" }).export({ type: "spki", format: "pem" }));
}

function nodeVerifies(csr: Uint8Array, jwk: PublicJwk, hash: string): boolean {
  const { tbs, signature } = splitSigned(csr);
  return nodeVerify(hash, tbs, { key: publicPem(jwk), dsaEncoding: "der" }, signature);
}

/** CertificationRequestInfo minus the SubjectPublicKeyInfo: version, subject and attributes, as hex. */
function infoWithoutKey(csr: Uint8Array): { version: string; subject: string; attributes: string } {
  const [version, subject, , attributes] = children(splitSigned(csr).tbs).map((part) => toHex(part));
  return { version: version ?? "", subject: subject ?? "", attributes: attributes ?? "" };
}

describe("parseCsr", () => {
  it("reads Azure's CSR: subject, usages from the extensionRequest, and a valid signature", async () => {
    const parsed = await parseCsr(AZURE_CSR);
    expect(parsed.subject).toBe("CN=MyCert");
    expect(parsed.keyUsage).toStrictEqual(["digitalSignature", "keyEncipherment"]);
    expect(parsed.ekus).toStrictEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    expect(parsed.sans.dnsNames).toStrictEqual([]);
    expect(parsed.publicJwk.kty).toBe("RSA");
    expect(parsed.signatureValid).toBe(true);
    expect(nodeVerifies(AZURE_CSR, parsed.publicJwk, "sha256")).toBe(true);
  });

  it("reads OpenSSL's CSR (EC P-256, SANs, extensions)", async () => {
    const csr = fixtureBytes("ec-csr");
    const parsed = await parseCsr(csr);
    expect(parsed.subject).toBe("CN=csr.fabrikam.com, O=Fabrikam, C=DE");
    expect(parsed.sans.dnsNames).toStrictEqual(["csr.fabrikam.com", "www.fabrikam.com"]);
    expect(parsed.keyUsage).toStrictEqual(["digitalSignature"]);
    expect(parsed.ekus).toStrictEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(parsed.publicJwk).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(parsed.signatureValid).toBe(true);
  });

  it("reports a tampered request as not verifying, and refuses garbage", async () => {
    const tampered = AZURE_CSR.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect((await parseCsr(tampered)).signatureValid).toBe(false);
    await expect(parseCsr(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).rejects.toThrow(CSR_UNREADABLE);
    await expect(parseCsr(new Uint8Array([1, 2, 3]))).rejects.toThrow(X509Error);
    await expect(parseCsr(new Uint8Array([...AZURE_CSR, 0]))).rejects.toThrow(CSR_UNREADABLE);
  });
});

describe("createCsr", () => {
  it("is Azure's CSR for the same policy except for the key and signature", async () => {
    const jwk = await generateRsa(2048);
    const csr = await createCsr({ subject: "cn=MyCert", keyUsage: ["digitalSignature", "keyEncipherment"], privateJwk: jwk });
    const ours = infoWithoutKey(csr);
    const azure = infoWithoutKey(AZURE_CSR);
    expect(azure.attributes.startsWith("a04b")).toBe(true);
    expect(ours).toStrictEqual(azure);
    // Same signatureAlgorithm (sha256WithRSAEncryption, NULL parameters).
    expect(toHex(splitSigned(csr).algorithm)).toBe(toHex(splitSigned(AZURE_CSR).algorithm));
    expect(nodeVerifies(csr, { kty: "RSA", n: jwk.n, e: jwk.e }, "sha256")).toBe(true);
  }, 60_000);

  it("signs EC requests with the curve's hash and carries the SANs; node:crypto verifies", async () => {
    for (const [crv, hash] of [["P-256", "sha256"], ["P-384", "sha384"], ["P-521", "sha512"]] as const) {
      const jwk = generateEc(crv);
      const csr = await createCsr({
        subject: "CN=pending.myapp.com, O=Contoso",
        sans: { dnsNames: ["pending.myapp.com"], upns: ["x@contoso.com"] },
        ekus: ["1.3.6.1.5.5.7.3.1"],
        privateJwk: jwk,
      });
      expect(nodeVerifies(csr, { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y }, hash)).toBe(true);
      const parsed = await parseCsr(csr);
      expect(parsed.subject).toBe("CN=pending.myapp.com, O=Contoso");
      expect(parsed.sans.dnsNames).toStrictEqual(["pending.myapp.com"]);
      expect(parsed.sans.upns).toStrictEqual(["x@contoso.com"]);
      expect(parsed.ekus).toStrictEqual(["1.3.6.1.5.5.7.3.1"]);
      expect(parsed.keyUsage).toStrictEqual([]);
      expect(parsed.publicJwk).toStrictEqual({ kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y });
      expect(parsed.signatureValid).toBe(true);
    }
  });

  it("refuses P-256K keys", async () => {
    await expect(createCsr({ subject: "CN=x", privateJwk: generateEc("P-256K") })).rejects.toThrow(/P-256K/);
  });
});
