/**
 * What the security domain refuses, and the shapes it answers with: the download request's certificates
 * and `required` (Azure's limits, docs/security-domain-format.md §1), the download `value` (§2), the
 * GET /securitydomain/upload body (§4), and restore-blob's own input checks (§6).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToBase64, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import type { PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { createSecurityDomainDownload } from "../../core/crypto/security-domain/download-blob.ts";
import { decryptRsaOaepJwe } from "../../core/crypto/security-domain/compact-jwe.ts";
import { secureRandomBytes } from "../../core/crypto/security-domain/random.ts";
import { createRestoreBlob } from "../../core/crypto/security-domain/restore-blob.ts";
import {
  TRANSFER_KEY_BITS,
  createTransferKey,
  exchangeCertificateFrom,
  transferKeyId,
  transferKeyResponse,
  type TransferKey,
} from "../../core/crypto/security-domain/transfer-key.ts";
import { issueSelfSigned } from "../../core/crypto/x509/issue.ts";
import { parseCertificate } from "../../core/crypto/x509/parse.ts";
import { badParameter, badParameterAsync } from "../support/bad-parameter.ts";

interface Holder {
  readonly certificate: Uint8Array;
  readonly privateKey: CryptoKey;
  readonly privateJwk: PrivateJwk;
  readonly jwk: Record<string, unknown>;
}

const NOT_BEFORE = new Date(Date.UTC(2025, 0, 1));
const NOT_AFTER = new Date(Date.UTC(2026, 0, 1));

async function certify(privateJwk: PrivateJwk, name: string): Promise<Uint8Array> {
  return issueSelfSigned({ privateJwk, subject: `CN=${name}`, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, ekus: [] });
}

async function rsaHolder(name: string, bits = 2048): Promise<Holder> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
  const { n = "", e = "", d = "", p = "", q = "", dp = "", dq = "", qi = "" } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const privateJwk: PrivateJwk = { kty: "RSA", n, e, d, p, q, dp, dq, qi };
  const certificate = await certify(privateJwk, name);
  return { certificate, privateKey: pair.privateKey, privateJwk, jwk: { kty: "RSA", n, e, x5c: [bytesToBase64(certificate)] } };
}

const secrets = new Map([["hsm_backup", crypto.getRandomValues(new Uint8Array(32))]]);
let holders: Holder[] = [];
let transfer: TransferKey;
const jwks = (): Record<string, unknown>[] => holders.map((h) => h.jwk);
const download = (certificates: readonly unknown[], required: unknown = 2): Promise<string> =>
  createSecurityDomainDownload({ secrets, certificates, required });

beforeAll(async () => {
  holders = await Promise.all(["a", "b", "c", "d"].map((name) => rsaHolder(name)));
  transfer = await createTransferKey({ kid: transferKeyId("https://contoso.managedhsm.example/"), now: new Date(Date.UTC(2025, 5, 1)) });
});

describe("download: certificates and required", () => {
  it("needs 3 to 10 certificates", async () => {
    await badParameterAsync(() => download(jwks().slice(0, 2)), /Between 3 and 10 certificates are required; 2 were given/);
    await badParameterAsync(() => download(Array.from({ length: 11 }, () => holders[0]?.jwk)), /Between 3 and 10 .*11 were given/);
  });

  it("needs an integer required from 2 to 10, at most the number of certificates", async () => {
    for (const required of [1, 11, 2.5, "2", null, 0]) await badParameterAsync(() => download(jwks(), required), /required must be an integer from 2 to 10/);
    await badParameterAsync(() => createSecurityDomainDownload({ secrets, certificates: jwks(), required: undefined }), /required must be an integer/);
    await badParameterAsync(() => download(jwks().slice(0, 3), 4), /required \(4\) must not exceed the number of certificates \(3\)/);
  });

  it("needs x5c[0], base64 of a DER certificate", async () => {
    const [a, b] = jwks();
    const bad = (jwk: unknown): unknown[] => [a, b, jwk];
    await badParameterAsync(() => download(bad({ kty: "RSA" })), /certificates\[2\] has no x5c/);
    await badParameterAsync(() => download(bad({ x5c: [] })), /certificates\[2\] has no x5c/);
    await badParameterAsync(() => download(bad("not an object")), /certificates\[2\] has no x5c/);
    await badParameterAsync(() => download(bad({ x5c: ["%%%"] })), /certificates\[2\]\.x5c\[0\] is not a base64-encoded certificate/);
    await badParameterAsync(() => download(bad({ x5c: [42] })), /certificates\[2\]\.x5c\[0\] is not a base64-encoded certificate/);
    await badParameterAsync(() => download(bad({ x5c: [bytesToBase64(new Uint8Array([0x30, 0x03, 1, 2, 3]))] })), /certificates\[2\]\.x5c\[0\] is not a DER-encoded X\.509 certificate/);
  });

  it("needs an RSA key of at least 2048 bits", async () => {
    const ecPair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const { x = "", y = "", d = "" } = (await crypto.subtle.exportKey("jwk", ecPair.privateKey)) as JsonWebKey;
    const ec = await certify({ kty: "EC", crv: "P-256", x, y, d }, "ec");
    const [a, b] = jwks();
    await badParameterAsync(() => download([a, b, { x5c: [bytesToBase64(ec)] }]), /certificates\[2\]\.x5c\[0\] must hold an RSA key of at least 2048 bits/);
    const small = await rsaHolder("small", 1024);
    await badParameterAsync(() => download([a, b, small.jwk]), /certificates\[2\]\.x5c\[0\] must hold an RSA key of at least 2048 bits/);
  });

  it("needs distinct certificates and distinct keys", async () => {
    const [a, b] = jwks();
    await badParameterAsync(() => download([a, b, a]), /certificates\[0\] and certificates\[2\] hold the same key/);
    // Holder a's key in a second, different certificate: one private key would open two shares.
    const again = await certify(holders[0]?.privateJwk as PrivateJwk, "a again");
    await badParameterAsync(() => download([a, b, { x5c: [bytesToBase64(again)] }]), /certificates\[0\] and certificates\[2\] hold the same key/);
  });

  it("names a share by the certificate's SHA-256 and gives certificate i the share with index i + 1", async () => {
    const value = JSON.parse(await download(jwks(), 3)) as {
      EncData: { data: { tag: string }[]; kdf: string };
      SharedKeys: { enc_shares: { enc_key: string; x5t_256: string }[]; key_algorithm: string; required: number };
      version: number;
    };
    expect(Object.keys(value)).toStrictEqual(["EncData", "SharedKeys", "version"]);
    expect(value.version).toBe(2);
    expect(value.EncData.kdf).toBe("sp108_kdf");
    expect(value.EncData.data.map((d) => d.tag)).toStrictEqual(["hsm_backup"]);
    expect(value.SharedKeys.key_algorithm).toBe("shamir_share");
    expect(value.SharedKeys.required).toBe(3);
    for (const [i, holder] of holders.entries()) {
      const share = value.SharedKeys.enc_shares[i] as { enc_key: string; x5t_256: string };
      expect(Object.keys(share)).toStrictEqual(["enc_key", "x5t_256"]);
      expect(share.x5t_256).toBe(bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", holder.certificate))));
      const bytes = await decryptRsaOaepJwe(share.enc_key, holder.privateKey, secureRandomBytes);
      expect(bytes.length).toBe(64); // 32 key bytes × one 16-bit word each
      for (let w = 1; w < bytes.length; w += 2) expect((bytes[w] ?? 0) >> 1).toBe(i + 1);
    }
  });

  it("refuses the HSM's own bad input as an internal fault, not a BadParameter", async () => {
    await expect(createSecurityDomainDownload({ secrets: new Map(), certificates: jwks(), required: 2 })).rejects.toThrow(/1–32 secrets/);
    await expect(createSecurityDomainDownload({ secrets: new Map([["has space", new Uint8Array(1)]]), certificates: jwks(), required: 2 })).rejects.toThrow(/tag/);
  });
});

describe("the transfer key (GET /securitydomain/upload)", () => {
  it("answers key_format jwk and transfer_key as the JWK's JSON text, in the spec example's member order", async () => {
    const body = transferKeyResponse(transfer.jwk);
    expect(body.key_format).toBe("jwk");
    expect(typeof body.transfer_key).toBe("string");
    const jwk = JSON.parse(body.transfer_key) as Record<string, unknown>;
    expect(Object.keys(jwk)).toStrictEqual(["kid", "kty", "key_ops", "n", "e", "alg", "x5c", "x5t", "x5t#S256"]);
    expect(jwk).toMatchObject({ kid: "https://contoso.managedhsm.example/transfer_key", kty: "RSA", key_ops: ["encrypt"], alg: "RSA-OAEP-256", e: "AQAB" });
    expect(Math.floor(((jwk.n as string).length * 3) / 4)).toBe(TRANSFER_KEY_BITS / 8);
  });

  it("carries a parseable self-signed certificate of that key, with its SHA-1 and SHA-256 thumbprints", async () => {
    const der = exchangeCertificateFrom(JSON.parse(JSON.stringify(transferKeyResponse(transfer.jwk))));
    const parsed = await parseCertificate(der);
    expect(parsed.publicJwk).toStrictEqual({ kty: "RSA", n: transfer.jwk.n, e: transfer.jwk.e });
    expect(parsed.isSelfIssued).toBe(true);
    expect(parsed.keyUsage).toStrictEqual(["keyEncipherment"]);
    expect(parsed.x5t).toBe(transfer.jwk.x5t);
    expect(transfer.jwk["x5t#S256"]).toBe(bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", der))));
    expect(transfer.thumbprint).toBe(transfer.jwk["x5t#S256"]);
    expect(parsed.notBefore.getTime()).toBeLessThan(Date.UTC(2025, 5, 1));
  });

  it("reads a malformed body as BadParameter", () => {
    badParameter(() => exchangeCertificateFrom({ key_format: "jwk", transfer_key: { x5c: [] } }));
    badParameter(() => exchangeCertificateFrom({ key_format: "jwk", transfer_key: "{" }));
    badParameter(() => exchangeCertificateFrom({ key_format: "jwk", transfer_key: "{\"x5c\":[]}" }));
    badParameter(() => exchangeCertificateFrom(null));
  });
});

describe("restore-blob: its own input", () => {
  let value: string;
  beforeAll(async () => {
    value = await download(jwks().slice(0, 3), 2);
  });
  const wrapping = (i: number) => ({ certificate: holders[i]?.certificate ?? new Uint8Array(0), privateKey: holders[i]?.privateKey as CryptoKey });

  it("refuses a file that is not a version-2 security domain", async () => {
    const restore = (securityDomain: string) => createRestoreBlob({ securityDomain, wrappingKeys: [wrapping(0), wrapping(1)], exchangeCertificate: transfer.certificate });
    await badParameterAsync(() => restore("{"), /not a JSON object/);
    await badParameterAsync(() => restore(JSON.stringify({ ...JSON.parse(value), version: 1 })), /version 2/);
    const parsed = JSON.parse(value) as { SharedKeys: { key_algorithm: string; required: number } };
    await badParameterAsync(() => restore(JSON.stringify({ ...parsed, SharedKeys: { ...parsed.SharedKeys, key_algorithm: "xor_split" } })), /shamir_share/);
    await badParameterAsync(() => restore(JSON.stringify({ ...parsed, SharedKeys: { ...parsed.SharedKeys, required: 11 } })), /required count/);
  });

  it("names a key whose certificate has no share, or a certificate given twice", async () => {
    const base = { securityDomain: value, exchangeCertificate: transfer.certificate };
    await badParameterAsync(() => createRestoreBlob({ ...base, wrappingKeys: [wrapping(0), wrapping(3)] }), /wrappingKeys\[1\]: no share/);
    await badParameterAsync(() => createRestoreBlob({ ...base, wrappingKeys: [wrapping(0), wrapping(0)] }), /wrappingKeys\[1\]: .*already used/);
  });

  it("refuses an exchange certificate that is not RSA of 2048 bits or more, and a key that cannot decrypt OAEP-256", async () => {
    await badParameterAsync(
      () => createRestoreBlob({ securityDomain: value, wrappingKeys: [wrapping(0), wrapping(1)], exchangeCertificate: new Uint8Array([1, 2, 3]) }),
      /The exchange certificate is not a DER-encoded X\.509 certificate/,
    );
    const signing = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      false,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    await badParameterAsync(
      () =>
        createRestoreBlob({
          securityDomain: value,
          wrappingKeys: [wrapping(0), { certificate: wrapping(1).certificate, privateKey: signing.privateKey }],
          exchangeCertificate: transfer.certificate,
        }),
      /wrappingKeys\[1\]\.privateKey must be an RSA private key usable for RSA-OAEP-256 decryption/,
    );
  });
});
