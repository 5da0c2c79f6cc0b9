/**
 * PEM in and out, and private keys between JWK and PKCS#8, checked against OpenSSL's files and
 * node:crypto's own key parser (createPrivateKey → JWK).
 */
import { describe, expect, it } from "vitest";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { generateEc, generateRsa } from "../../core/crypto/keys/generate-key.ts";
import type { EcCurve } from "../../core/crypto/keys/key-types.ts";
import {
  pkcs8FromPrivateJwk,
  privateJwkFromPkcs8,
  readPem,
  writePem,
  X509Error,
  PEM_UNEXPECTED_FORMAT,
} from "../../core/crypto/x509/index.ts";
import { derToPem, fixtureBytes, fixtureText, toHex } from "../vectors/x509/fixtures.ts";

/** node:crypto's JWK of a key; workerd's export lists absent members as undefined, which we drop. */
function nodeJwk(pem: string | { key: Buffer; format: "der"; type: "pkcs8" }): Record<string, unknown> {
  const jwk = createPrivateKey(pem).export({ format: "jwk" });
  return Object.fromEntries(Object.entries(jwk).filter(([, value]) => value !== undefined));
}

describe("readPem", () => {
  it("reads OpenSSL's key and certificate with the text `openssl pkcs12 -nodes` puts around them, CRLF too", async () => {
    const text = [
      "Bag Attributes",
      "    localKeyId: 01 02 03",
      fixtureText("rsa-key"),
      "subject=CN = api.myapp.com",
      fixtureText("rsa-cert"),
      fixtureText("ca-cert"),
    ]
      .join("\n")
      .replace(/\n/g, "\r\n");
    const pem = readPem(text);
    expect(pem.certificates.map(toHex)).toStrictEqual([toHex(fixtureBytes("rsa-cert")), toHex(fixtureBytes("ca-cert"))]);
    expect(pem.privateKeyPkcs8).toBeDefined();
    expect(await privateJwkFromPkcs8(pem.privateKeyPkcs8 ?? new Uint8Array())).toStrictEqual(nodeJwk(fixtureText("rsa-key")));
  });

  it("converts PKCS#1 RSA and SEC 1 EC keys (skipping EC PARAMETERS) to PKCS#8", async () => {
    const rsa = readPem(fixtureText("rsa-key-pkcs1"));
    expect(fixtureText("rsa-key-pkcs1")).toContain("BEGIN RSA PRIVATE KEY");
    expect(await privateJwkFromPkcs8(rsa.privateKeyPkcs8 ?? new Uint8Array())).toStrictEqual(nodeJwk(fixtureText("rsa-key")));
    const sec1 = fixtureText("ec-p256-sec1");
    expect(sec1).toContain("BEGIN EC PARAMETERS");
    expect(sec1).toContain("BEGIN EC PRIVATE KEY");
    const ec = readPem(sec1);
    expect(ec.certificates).toStrictEqual([]);
    expect(await privateJwkFromPkcs8(ec.privateKeyPkcs8 ?? new Uint8Array())).toStrictEqual(nodeJwk(sec1));
  });

  it("returns certificates alone when there is no key", () => {
    const pem = readPem(fixtureText("leaf-cert") + fixtureText("ca-cert"));
    expect(pem.certificates).toHaveLength(2);
    expect("privateKeyPkcs8" in pem).toBe(false);
  });

  it("refuses encrypted keys, unknown blocks, two keys and broken framing", () => {
    const cert = fixtureText("rsa-cert");
    expect(() => readPem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")).toThrow(/Encrypted private keys/);
    expect(() => readPem("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n")).toThrow(/Encrypted/);
    expect(() => readPem("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")).toThrow(/Unsupported PEM block "X509 CRL"/);
    expect(() => readPem(fixtureText("rsa-key") + fixtureText("ec-key"))).toThrow(/more than one private key/);
    for (const bad of ["", "no pem here", cert.replace("END CERTIFICATE", "END PRIVATE KEY"), cert.replace(/M/, "*"), cert.replace(/\n[A-Za-z0-9+/]{4}/, "\n")]) {
      expect(() => readPem(bad)).toThrow(X509Error);
    }
    expect(() => readPem("nothing")).toThrow(PEM_UNEXPECTED_FORMAT);
  });
});

describe("writePem", () => {
  it("writes the key first, then the certificates in order, in 64-column base64 with LF", () => {
    const key = fixtureBytes("leaf-key");
    const text = writePem([fixtureBytes("leaf-cert"), fixtureBytes("ca-cert")], key);
    const labels = [...text.matchAll(/-----BEGIN ([A-Z ]+)-----/g)].map((match) => match[1]);
    expect(labels).toStrictEqual(["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"]);
    expect(text).not.toContain("\r");
    expect(text.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(64);
    expect(text.startsWith(derToPem("PRIVATE KEY", key))).toBe(true);
    // node:crypto finds the certificate and the key in the combined text, as Azure's clients do.
    expect(new X509Certificate(text).serialNumber).toBe("1A2B3C4D5E6F");
    expect(nodeJwk(text)).toStrictEqual(nodeJwk(fixtureText("leaf-key")));
    const back = readPem(text);
    expect(back.certificates.map(toHex)).toStrictEqual([fixtureBytes("leaf-cert"), fixtureBytes("ca-cert")].map(toHex));
    expect(toHex(back.privateKeyPkcs8 ?? new Uint8Array())).toBe(toHex(key));
  });

  it("writes certificates only when there is no key", () => {
    expect(writePem([fixtureBytes("ca-cert")])).toBe(derToPem("CERTIFICATE", fixtureBytes("ca-cert")));
  });
});

describe("PKCS#8 ⇄ JWK", () => {
  it("RSA: node:crypto reads our PKCS#8 as the same key, with every CRT member", async () => {
    const jwk = await generateRsa(2048);
    const pkcs8 = await pkcs8FromPrivateJwk(jwk);
    expect(nodeJwk({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).toStrictEqual({ ...jwk });
    expect(await privateJwkFromPkcs8(pkcs8)).toStrictEqual(jwk);
  }, 60_000);

  for (const crv of ["P-256", "P-384", "P-521"] as EcCurve[]) {
    it(`${crv}: round trip with fixed-length members, and node:crypto agrees`, async () => {
      const jwk = generateEc(crv);
      const pkcs8 = await pkcs8FromPrivateJwk(jwk);
      expect(nodeJwk({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).toStrictEqual({ ...jwk });
      expect(await privateJwkFromPkcs8(pkcs8)).toStrictEqual(jwk);
    });
  }

  it("reads OpenSSL's PKCS#8 keys", async () => {
    for (const name of ["rsa-key", "ec-key", "leaf-key"] as const) {
      expect(await privateJwkFromPkcs8(fixtureBytes(name)), name).toStrictEqual(nodeJwk(fixtureText(name)));
    }
  });

  it("refuses P-256K, symmetric keys and garbage", async () => {
    await expect(pkcs8FromPrivateJwk(generateEc("P-256K"))).rejects.toThrow(/P-256K/);
    await expect(pkcs8FromPrivateJwk({ kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA" })).rejects.toThrow(X509Error);
    await expect(privateJwkFromPkcs8(new Uint8Array([0x30, 0x00]))).rejects.toThrow(X509Error);
    await expect(privateJwkFromPkcs8(fixtureBytes("rsa-cert"))).rejects.toThrow(X509Error);
  });
});
