/**
 * Reading certificates OpenSSL made (test/vectors/x509/make-fixtures.sh) against what OpenSSL says
 * about them, and the chain / key checks merge and import rely on.
 */
import { describe, expect, it } from "vitest";
import { createPrivateKey } from "node:crypto";
import {
  certificateMatchesKey,
  checkChain,
  orderChain,
  parseCertificate,
  verifyChain,
  verifySelfSigned,
  CERTIFICATE_UNREADABLE,
} from "../../core/crypto/x509/index.ts";
import { formatIpAddress, parseIpAddress } from "../../core/crypto/x509/ip-address.ts";
import type { PublicJwk } from "../../core/crypto/keys/key-types.ts";
import { fixtureBytes, fixtureFacts, fixtureText, fromHex, toBase64, toHex, type FixtureName } from "../vectors/x509/fixtures.ts";

function publicJwkOf(keyFixture: FixtureName): PublicJwk {
  const jwk = createPrivateKey(fixtureText(keyFixture)).export({ format: "jwk" });
  if (jwk.kty === "RSA") return { kty: "RSA", n: jwk.n ?? "", e: jwk.e ?? "" };
  return { kty: "EC", crv: jwk.crv === "P-384" ? "P-384" : jwk.crv === "P-521" ? "P-521" : "P-256", x: jwk.x ?? "", y: jwk.y ?? "" };
}

function x5tOf(sha1Hex: string): string {
  return toBase64(fromHex(sha1Hex)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

describe("parseCertificate on OpenSSL's certificates", () => {
  it("RSA with every SAN kind: serial, thumbprint, dates, names and usages as OpenSSL has them", async () => {
    const facts = fixtureFacts("rsa-cert");
    const parsed = await parseCertificate(fixtureBytes("rsa-cert"));
    expect(parsed.serialNumber).toBe(facts.serial);
    expect(parsed.x5t).toBe(x5tOf(facts.sha1));
    expect(parsed.notBefore.toISOString()).toBe(facts.notBefore);
    expect(parsed.notAfter.toISOString()).toBe(facts.notAfter);
    expect(parsed.issuer).toBe(parsed.subject);
    expect(parsed.isSelfIssued).toBe(true);
    expect(parsed.sans).toStrictEqual({
      dnsNames: ["api.myapp.com", "*.myapp.com"],
      emails: ["ops@myapp.com"],
      upns: ["user@contoso.com"],
      uris: ["https://myapp.com/id"],
      ipAddresses: ["10.0.0.1", "2001:db8::1"],
    });
    expect(parsed.keyUsage).toStrictEqual(["digitalSignature", "keyEncipherment"]);
    expect(parsed.ekus).toStrictEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    expect(parsed.signatureAlgorithm).toBe("sha256WithRSAEncryption");
    expect(parsed.publicJwk).toStrictEqual(publicJwkOf("rsa-key"));
  });

  it("EC P-384 valid until 2062 (a GeneralizedTime notAfter)", async () => {
    const facts = fixtureFacts("ec-cert");
    const parsed = await parseCertificate(fixtureBytes("ec-cert"));
    expect(parsed.subject).toBe("O=Contoso, CN=ec.myapp.com");
    expect(parsed.notAfter.toISOString()).toBe(facts.notAfter);
    expect(parsed.notAfter.getUTCFullYear()).toBe(2062);
    expect(parsed.publicJwk).toStrictEqual(publicJwkOf("ec-key"));
    // `openssl req -x509` signs with SHA-256 whatever the curve.
    expect(parsed.signatureAlgorithm).toBe("ecdsa-with-SHA256");
    expect(parsed.ekus).toStrictEqual([]);
  });

  it("a CA-issued leaf and its CA", async () => {
    const leaf = await parseCertificate(fixtureBytes("leaf-cert"));
    const ca = await parseCertificate(fixtureBytes("ca-cert"));
    expect(leaf.serialNumber).toBe("1A2B3C4D5E6F");
    expect(leaf.issuer).toBe("CN=Edge Vault Test Root CA, O=Edge Vault Tests");
    expect(leaf.issuer).toBe(ca.subject);
    expect(leaf.isSelfIssued).toBe(false);
    expect(leaf.isCa).toBe(false);
    expect(ca.isCa).toBe(true);
    expect(ca.keyUsage).toStrictEqual(["keyCertSign", "cRLSign"]);
    expect(leaf.signatureAlgorithm).toBe("sha384WithRSAEncryption");
    expect(leaf.x5t).toBe(x5tOf(fixtureFacts("leaf-cert").sha1));
  });

  it("refuses truncated, padded, empty and foreign input with one message", async () => {
    const der = fixtureBytes("rsa-cert");
    const tampered = der.slice();
    tampered[6] = 0x31; // the TBSCertificate is no longer a SEQUENCE
    for (const bad of [der.subarray(0, der.length - 1), new Uint8Array([...der, 0]), new Uint8Array(0), fromHex("0500"), fixtureBytes("ec-csr"), tampered]) {
      await expect(parseCertificate(bad)).rejects.toThrow(CERTIFICATE_UNREADABLE);
    }
  });
});

describe("verification", () => {
  const leaf = fixtureBytes("leaf-cert");
  const ca = fixtureBytes("ca-cert");

  it("verifies an OpenSSL chain, and says where a bad one breaks", async () => {
    expect(await verifyChain(leaf, [ca])).toBe(true);
    expect(await verifyChain(leaf, [])).toBe(true);
    expect(await checkChain(ca, [leaf])).toMatchObject({ ok: false, index: 0, reason: "issuer-name-mismatch" });
    expect(await checkChain(leaf, [ca, fixtureBytes("rsa-cert")])).toMatchObject({ ok: false, index: 1, reason: "issuer-name-mismatch" });
    const forged = leaf.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 0xff;
    expect(await checkChain(forged, [ca])).toMatchObject({ ok: false, index: 0, reason: "bad-signature" });
    expect(await verifyChain(forged, [ca])).toBe(false);
  });

  it("tells self-signed from self-issued-only and CA-issued", async () => {
    expect(await verifySelfSigned(ca)).toBe(true);
    expect(await verifySelfSigned(fixtureBytes("rsa-cert"))).toBe(true);
    expect(await verifySelfSigned(fixtureBytes("ec-cert"))).toBe(true);
    expect(await verifySelfSigned(leaf)).toBe(false);
  });

  it("matches a certificate to its key only", async () => {
    expect(await certificateMatchesKey(leaf, publicJwkOf("leaf-key"))).toBe(true);
    expect(await certificateMatchesKey(leaf, publicJwkOf("ec-key"))).toBe(false);
    expect(await certificateMatchesKey(fixtureBytes("rsa-cert"), publicJwkOf("rsa-key"))).toBe(true);
    expect(await certificateMatchesKey(fixtureBytes("rsa-cert"), publicJwkOf("leaf-key"))).toBe(false);
  });

  it("orders a shuffled chain leaf first, then issuers, then strangers", () => {
    const stranger = fixtureBytes("ec-cert");
    expect(orderChain([ca, stranger, leaf], 2).map(toHex)).toStrictEqual([leaf, ca, stranger].map(toHex));
  });
});

describe("IP addresses in SANs", () => {
  it("reads IPv4 and IPv6 text and prints the RFC 5952 form", () => {
    const cases: [string, string, string][] = [
      ["10.0.0.1", "0a000001", "10.0.0.1"],
      ["::1", "00000000000000000000000000000001", "::1"],
      ["2001:DB8:0:0:1:0:0:1", "20010db8000000000001000000000001", "2001:db8::1:0:0:1"],
      ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201", "::ffff:c000:201"],
      ["fe80::", "fe800000000000000000000000000000", "fe80::"],
      ["1:2:3:4:5:6:7:8", "00010002000300040005000600070008", "1:2:3:4:5:6:7:8"],
    ];
    for (const [text, hex, canonical] of cases) {
      const bytes = parseIpAddress(text);
      expect(bytes && toHex(bytes), text).toBe(hex);
      expect(formatIpAddress(fromHex(hex))).toBe(canonical);
    }
    for (const bad of ["1.2.3", "1.2.3.4.5", "01.2.3.4", "256.0.0.1", "1::2::3", "1:2:3:4:5:6:7:8:9", "::g", "1:2:3:4:5:6:7::8", ""]) {
      expect(parseIpAddress(bad), bad).toBeNull();
    }
  });
});
