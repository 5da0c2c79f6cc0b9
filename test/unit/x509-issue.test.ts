/**
 * Self-signed issuance, checked by readers that share no code with the issuer: node:crypto's
 * X509Certificate (BoringSSL in workerd) for names, SANs, dates, serial and thumbprint, and
 * node:crypto.verify over the TBS bytes cut out by an independent DER walker for the signature.
 * workerd's X509Certificate lacks some of Node's API (see x509-workerd-capabilities.test.ts), so EC
 * signatures are checked with crypto.verify and the extensions by their exact DER bytes; the
 * conformance tier repeats all of it with the OpenSSL CLI.
 */
import { describe, expect, it } from "vitest";
import { X509Certificate, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { generateEc, generateRsa } from "../../core/crypto/keys/generate-key.ts";
import type { EcCurve, PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import {
  issueSelfSigned,
  parseCertificate,
  pkcs8FromPrivateJwk,
  signingKeyFromJwk,
  verifySelfSigned,
  X509Error,
  SECP256K1_REFUSED,
  type SigningKey,
} from "../../core/crypto/x509/index.ts";
import { containsBytes, fromBase64, fromHex, splitSigned, toHex } from "../vectors/x509/fixtures.ts";

const NOT_BEFORE = new Date("2031-03-04T05:06:07.890Z");
const NOT_AFTER = new Date("2032-03-04T05:06:07.000Z");
const HASH_OF: Record<string, string> = { RSA: "sha256", "P-256": "sha256", "P-384": "sha384", "P-521": "sha512" };

function publicPem(jwk: PrivateJwk): string {
  if (jwk.kty === "oct") throw new Error("no public key");
  const key = jwk.kty === "RSA" ? { kty: "RSA", n: jwk.n, e: jwk.e } : { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  return String(createPublicKey({ key, format: "jwk" }).export({ type: "spki", format: "pem" }));
}

/** Verifies the certificate's signature with node:crypto over the TBS bytes (DER ECDSA signatures). */
function nodeVerifies(der: Uint8Array, jwk: PrivateJwk, hash: string): boolean {
  const { tbs, signature } = splitSigned(der);
  return nodeVerify(hash, tbs, { key: publicPem(jwk), dsaEncoding: "der" }, signature);
}

const FULL = {
  subject: "CN=api.myapp.com, O=Contoso, OU=IT, L=Redmond, ST=WA, C=US, E=a@b.c",
  sans: {
    dnsNames: ["api.myapp.com", "*.api.myapp.com"],
    emails: ["ops@myapp.com"],
    upns: ["svc@contoso.onmicrosoft.com"],
    uris: ["https://myapp.com/id"],
    ipAddresses: ["10.1.2.3", "2001:db8::7"],
  },
  keyUsage: ["digitalSignature", "keyEncipherment"],
  notBefore: NOT_BEFORE,
  notAfter: NOT_AFTER,
};

describe("issueSelfSigned", () => {
  const keys: [string, () => Promise<PrivateJwk>][] = [
    ["RSA", () => generateRsa(2048)],
    ...(["P-256", "P-384", "P-521"] as EcCurve[]).map((crv): [string, () => Promise<PrivateJwk>] => [crv, async () => generateEc(crv)]),
  ];
  for (const [label, makeKey] of keys) {
    it(`${label}: node:crypto reads every field and verifies the signature`, async () => {
      const jwk = await makeKey();
      const der = await issueSelfSigned({ ...FULL, privateJwk: jwk });
      const node = new X509Certificate(der);
      expect(node.subject.split("\n")).toStrictEqual(["emailAddress=a@b.c", "C=US", "ST=WA", "L=Redmond", "OU=IT", "O=Contoso", "CN=api.myapp.com"]);
      expect(node.issuer).toBe(node.subject);
      expect(node.subjectAltName).toBe(
        "DNS:api.myapp.com, DNS:*.api.myapp.com, email:ops@myapp.com, othername:<unsupported>, URI:https://myapp.com/id, IP Address:10.1.2.3, IP Address:2001:DB8:0:0:0:0:0:7",
      );
      // Milliseconds are dropped (RFC 5280 §4.1.2.5), not rounded.
      expect(new Date(node.validFrom).toISOString()).toBe("2031-03-04T05:06:07.000Z");
      expect(new Date(node.validTo).toISOString()).toBe(NOT_AFTER.toISOString());
      expect(node.ca).toBe(false);
      expect(node.checkHost("x.api.myapp.com")).toBe("*.api.myapp.com");
      expect(node.checkEmail("ops@myapp.com")).toBe("ops@myapp.com");
      expect(node.checkIP("2001:db8::7")).toBe("2001:db8::7");
      expect(nodeVerifies(der, jwk, HASH_OF[label] ?? "")).toBe(true);
      if (jwk.kty === "RSA") expect(node.verify(node.publicKey)).toBe(true);
      expect(await verifySelfSigned(der)).toBe(true);

      const parsed = await parseCertificate(der);
      expect(parsed.serialNumber).toBe(node.serialNumber);
      expect(toHex(fromBase64(parsed.x5t.replace(/-/g, "+").replace(/_/g, "/")))).toBe(node.fingerprint.replace(/:/g, "").toLowerCase());
      expect(parsed.subject).toBe("CN=api.myapp.com, O=Contoso, OU=IT, L=Redmond, S=WA, C=US, E=a@b.c");
      expect(parsed.sans).toStrictEqual({ ...FULL.sans, ipAddresses: ["10.1.2.3", "2001:db8::7"] });
      expect(parsed.ekus).toStrictEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
      expect(parsed.keyUsage).toStrictEqual(["digitalSignature", "keyEncipherment"]);
      expect(parsed.signatureAlgorithm).toBe(
        { RSA: "sha256WithRSAEncryption", "P-256": "ecdsa-with-SHA256", "P-384": "ecdsa-with-SHA384", "P-521": "ecdsa-with-SHA512" }[label],
      );
    }, 60_000);
  }

  it("writes the extensions Azure writes, in its encoding, plus SKI and AKI = SKI", async () => {
    const jwk = generateEc("P-256");
    const der = await issueSelfSigned({ subject: "CN=x", keyUsage: ["digitalSignature", "keyEncipherment"], notBefore: NOT_BEFORE, notAfter: NOT_AFTER, privateJwk: jwk });
    // The three extensions of Azure's CSR for the SDK default policy (see x509-csr.test.ts), same bytes:
    // KeyUsage critical digitalSignature+keyEncipherment; EKU serverAuth+clientAuth; BasicConstraints {}.
    expect(containsBytes(der, fromHex("300e0603551d0f0101ff0404030205a0"))).toBe(true);
    expect(containsBytes(der, fromHex("301d0603551d250416301406082b0601050507030106082b06010505070302"))).toBe(true);
    expect(containsBytes(der, fromHex("30090603551d1304023000"))).toBe(true);
    // SKI = SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2 (1)); AKI keyIdentifier the same.
    const point = fromHex(`04${toHex(fromBase64(b64(jwk.x)))}${toHex(fromBase64(b64(jwk.y)))}`);
    const ski = new Uint8Array(await crypto.subtle.digest("SHA-1", point));
    expect(containsBytes(der, fromHex(`301d0603551d0e04160414${toHex(ski)}`))).toBe(true);
    expect(containsBytes(der, fromHex(`301f0603551d23041830168014${toHex(ski)}`))).toBe(true);
  });

  it("sets bits past the first octet minimally (decipherOnly is bit 8) and omits what was not asked for", async () => {
    const jwk = generateEc("P-256");
    const der = await issueSelfSigned({ subject: "CN=x", keyUsage: ["keyAgreement", "decipherOnly"], ekus: [], notBefore: NOT_BEFORE, notAfter: NOT_AFTER, privateJwk: jwk });
    expect(containsBytes(der, fromHex("300f0603551d0f0101ff040503030708 80".replace(/ /g, "")))).toBe(true);
    const parsed = await parseCertificate(der);
    expect(parsed.keyUsage).toStrictEqual(["keyAgreement", "decipherOnly"]);
    expect(parsed.ekus).toStrictEqual([]);
    expect(parsed.sans.dnsNames).toStrictEqual([]);
  });

  it("writes GeneralizedTime from 2050 on and UTCTime before (RFC 5280 §4.1.2.5)", async () => {
    const jwk = generateEc("P-256");
    const der = await issueSelfSigned({ subject: "CN=x", notBefore: new Date("2049-12-31T23:59:59Z"), notAfter: new Date("2050-01-01T00:00:00Z"), privateJwk: jwk });
    expect(containsBytes(der, new TextEncoder().encode("491231235959Z"))).toBe(true);
    expect(containsBytes(der, new TextEncoder().encode("20500101000000Z"))).toBe(true);
    const node = new X509Certificate(der);
    expect(new Date(node.validTo).toISOString()).toBe("2050-01-01T00:00:00.000Z");
  });

  it("uses a given serial number and makes random positive 16-octet ones otherwise", async () => {
    const jwk = generateEc("P-256");
    const given = await issueSelfSigned({ subject: "CN=x", notBefore: NOT_BEFORE, notAfter: NOT_AFTER, privateJwk: jwk, serialNumber: fromHex("00ff01") });
    expect(new X509Certificate(given).serialNumber).toBe("FF01");
    const serials = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const der = await issueSelfSigned({ subject: "CN=x", notBefore: NOT_BEFORE, notAfter: NOT_AFTER, privateJwk: jwk });
      const serial = new X509Certificate(der).serialNumber;
      expect(serial).toMatch(/^[4-7][0-9A-F]{31}$/);
      serials.add(serial);
    }
    expect(serials.size).toBe(4);
  });

  it("takes any SigningKey, such as one that signs elsewhere (the HSM seam)", async () => {
    const jwk = generateEc("P-384");
    const pem = String(createPrivateKey({ key: { ...jwk }, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));
    const external: SigningKey = {
      publicJwk: { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y },
      sign: async (data) => nodeSign("sha384", data, { key: pem, dsaEncoding: "ieee-p1363" }),
    };
    const der = await issueSelfSigned({ subject: "CN=hsm", notBefore: NOT_BEFORE, notAfter: NOT_AFTER, key: external });
    expect(nodeVerifies(der, jwk, "sha384")).toBe(true);
    expect(await verifySelfSigned(der)).toBe(true);
    const fromJwk = await signingKeyFromJwk(jwk);
    expect(fromJwk.publicJwk).toStrictEqual(external.publicJwk);
  });

  it("refuses P-256K, symmetric keys, a public key that is not the private key's, and bad input", async () => {
    const base = { subject: "CN=x", notBefore: NOT_BEFORE, notAfter: NOT_AFTER };
    await expect(issueSelfSigned({ ...base, privateJwk: generateEc("P-256K") })).rejects.toThrow(SECP256K1_REFUSED);
    await expect(issueSelfSigned({ ...base, privateJwk: { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA" } })).rejects.toThrow(X509Error);
    const a = generateEc("P-256");
    const b = generateEc("P-256");
    await expect(issueSelfSigned({ ...base, privateJwk: a, publicJwk: { kty: "EC", crv: b.crv, x: b.x, y: b.y } })).rejects.toThrow(/does not belong/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, notAfter: NOT_BEFORE })).rejects.toThrow(/later than notBefore/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, notBefore: new Date(Number.NaN) })).rejects.toThrow(/not a valid date/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, serialNumber: fromHex("80") })).rejects.toThrow(/positive/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, serialNumber: new Uint8Array(21).fill(1) })).rejects.toThrow(/1 to 20/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, keyUsage: ["sign"] })).rejects.toThrow(/Unknown key usage "sign"/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, ekus: ["serverAuth"] })).rejects.toThrow(/not an OID/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, sans: { dnsNames: ["bad name"] } })).rejects.toThrow(/not a valid DNS name/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, sans: { ipAddresses: ["10.0.0.256"] } })).rejects.toThrow(/not a valid IPv4 or IPv6/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, sans: { emails: ["nobody"] } })).rejects.toThrow(/not a valid e-mail/);
    await expect(issueSelfSigned({ ...base, privateJwk: a, sans: { uris: ["no-scheme"] } })).rejects.toThrow(/not a valid absolute URI/);
    await expect(issueSelfSigned({ ...base, subject: "", privateJwk: a })).rejects.toThrow(/empty/);
  });

  it("node:crypto accepts the PKCS#8 of the certificate's key as that key", async () => {
    const jwk = await generateRsa(2048);
    const der = await issueSelfSigned({ subject: "CN=x", notBefore: NOT_BEFORE, notAfter: NOT_AFTER, privateJwk: jwk });
    const pkcs8 = await pkcs8FromPrivateJwk(jwk);
    const nodeKey = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    const signature = nodeSign("sha256", new Uint8Array([1]), nodeKey);
    expect(new X509Certificate(der).verify(new X509Certificate(der).publicKey)).toBe(true);
    expect(nodeVerify("sha256", new Uint8Array([1]), publicPem(jwk), signature)).toBe(true);
  }, 60_000);
});

function b64(base64url: string): string {
  const text = base64url.replace(/-/g, "+").replace(/_/g, "/");
  return text + "=".repeat((4 - (text.length % 4)) % 4);
}
