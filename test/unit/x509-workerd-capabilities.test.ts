/**
 * What the X.509 layer and its tests rely on — or must work around — in workerd (`nodejs_compat`),
 * measured, so a runtime upgrade that changes any of it shows up here first.
 *
 * Not tested because it takes the runtime down: reading `X509Certificate#keyUsage` (the EKU list in
 * Node) crashes workerd with SIGSEGV (workerd bundled with @cloudflare/vitest-pool-workers 0.12.21).
 * The tests read EKUs from the DER instead, and the conformance tier checks them with OpenSSL.
 */
import { describe, expect, it } from "vitest";
import { X509Certificate, createDecipheriv, createPrivateKey, createPublicKey, getCiphers } from "node:crypto";
import { fixtureText } from "../vectors/x509/fixtures.ts";

describe("workerd capabilities the X.509 layer depends on", () => {
  it("node:crypto has DES-EDE3-CBC (legacy PFX) and only 128-bit-effective RC2, so RC2-40 is ours", () => {
    expect(getCiphers()).toContain("des-ede3-cbc");
    expect(() => createDecipheriv("des-ede3-cbc", new Uint8Array(24), new Uint8Array(8))).not.toThrow();
    expect(getCiphers()).toContain("rc2-cbc");
    expect(() => createDecipheriv("rc2-40-cbc", new Uint8Array(5), new Uint8Array(8))).toThrow(/Unknown or unsupported cipher/);
  });

  it("WebCrypto derives PBKDF2 from an empty password (the empty-password PFX)", async () => {
    const key = await crypto.subtle.importKey("raw", new Uint8Array(0), "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(8), iterations: 1 }, key, 256);
    expect(bits.byteLength).toBe(32);
  });

  it("X509Certificate reads names, SANs, dates and serials, and verifies RSA signatures", () => {
    const certificate = new X509Certificate(fixtureText("rsa-cert"));
    expect(certificate.subject).toContain("CN=api.myapp.com");
    expect(certificate.subjectAltName).toContain("IP Address:10.0.0.1");
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    const leaf = new X509Certificate(fixtureText("leaf-cert"));
    expect(leaf.checkIssued(new X509Certificate(fixtureText("ca-cert")))).toBe(true);
  });

  it("X509Certificate cannot give an EC certificate's public key, nor verify an EC signature (Node can)", () => {
    const ec = new X509Certificate(fixtureText("ec-cert"));
    expect(() => ec.publicKey).toThrow(/Unrecognized or unimplemented EC curve/);
    // The certificate is valid (OpenSSL made it; crypto.verify over its TBS accepts it, x509-issue.test.ts).
    expect(ec.verify(createPublicKey(fixtureText("ec-key")))).toBe(false);
  });

  it("X509Certificate#checkPrivateKey answers false even for the certificate's own key (Node says true)", () => {
    const certificate = new X509Certificate(fixtureText("rsa-cert"));
    expect(certificate.checkPrivateKey(createPrivateKey(fixtureText("rsa-key")))).toBe(false);
  });
});
