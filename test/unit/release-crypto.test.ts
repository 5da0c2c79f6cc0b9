import * as asn1js from "asn1js";
import { compactVerify, importX509 } from "jose";
import { describe, expect, it } from "vitest";
import { base64UrlToBytes, bytesToBase64, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { aesKeyUnwrap } from "../../core/crypto/encrypt/aes-key-wrap.ts";
import { prepareAesKey } from "../../core/crypto/encrypt/aes-key.ts";
import { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { generateEc, generateOct, generateRsa } from "../../core/crypto/keys/generate-key.ts";
import { derivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { KEY_EXPORT_ALGORITHMS, type KeyExportAlgorithm } from "../../core/crypto/release/export-algorithms.ts";
import { keyHsmBlob } from "../../core/crypto/release/key-hsm-blob.ts";
import { releasableKeyBytes } from "../../core/crypto/release/private-key-der.ts";
import { releaseSigner } from "../../core/crypto/release/release-signer.ts";
import { rsaAesKeyWrap } from "../../core/crypto/release/rsa-aes-key-wrap.ts";
import { runtimeEncryptionKey } from "../../core/crypto/release/runtime-key.ts";

const ROOT_SECRET = btoa(String.fromCharCode(...new Uint8Array(32).map((_, i) => i)));
const root = () => RootKey.fromSecret(ROOT_SECRET);

async function importPkcs8(der: Uint8Array, algorithm: { name: string; hash?: string; namedCurve?: string }): Promise<JsonWebKey> {
  const key = await crypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]);
  return crypto.subtle.exportKey("jwk", key) as Promise<JsonWebKey>;
}

describe("the released key's bytes (PKCS#8, raw)", () => {
  it("an RSA key is PKCS#8 that WebCrypto reads back to the same key", async () => {
    const jwk = await generateRsa(2048);
    const back = await importPkcs8(releasableKeyBytes(jwk), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
    expect([back.n, back.e, back.d, back.p, back.q, back.dp, back.dq, back.qi]).toEqual([jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi]);
  });

  it.each(["P-256", "P-384", "P-521"])("an EC %s key is PKCS#8 that WebCrypto reads back", async (crv) => {
    const jwk = generateEc(crv);
    const back = await importPkcs8(releasableKeyBytes(jwk), { name: "ECDSA", namedCurve: crv });
    expect([back.d, back.x, back.y]).toEqual([jwk.d, jwk.x, jwk.y]);
  });

  it("a secp256k1 key is PKCS#8 with the curve's OID, its scalar and its point (RFC 5915)", () => {
    const jwk = generateEc("P-256K");
    const info = asn1js.fromBER(releasableKeyBytes(jwk)).result as asn1js.Sequence;
    const [, algorithm, octets] = info.valueBlock.value as [asn1js.Integer, asn1js.Sequence, asn1js.OctetString];
    expect((algorithm.valueBlock.value[1] as asn1js.ObjectIdentifier).getValue()).toBe("1.3.132.0.10");
    const ec = asn1js.fromBER(octets.valueBlock.valueHexView).result as asn1js.Sequence;
    const d = (ec.valueBlock.value[1] as asn1js.OctetString).valueBlock.valueHexView;
    expect(Array.from(d)).toEqual(Array.from(base64UrlToBytes(jwk.d) ?? []));
  });

  it("a symmetric key is its raw octets", () => {
    const jwk = generateOct(256);
    expect(Array.from(releasableKeyBytes(jwk))).toEqual(Array.from(base64UrlToBytes(jwk.k) ?? []));
  });
});

describe("CKM_RSA_AES_KEY_WRAP", () => {
  it.each(Object.keys(KEY_EXPORT_ALGORITHMS) as KeyExportAlgorithm[])("%s: OAEP(ephemeral AES-256) ‖ RFC 5649 wrap, undone with the workload key alone", async (alg) => {
    const hash = KEY_EXPORT_ALGORITHMS[alg].oaepHash;
    const workload = (await crypto.subtle.generateKey(
      { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash },
      true,
      ["encrypt", "decrypt"],
    )) as CryptoKeyPair;
    const pub = (await crypto.subtle.exportKey("jwk", workload.publicKey)) as JsonWebKey;
    const secret = crypto.getRandomValues(new Uint8Array(67));
    const blob = await rsaAesKeyWrap(alg, { kty: "RSA", n: pub.n as string, e: pub.e as string }, secret);
    const aes = new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, workload.privateKey, blob.subarray(0, 256)));
    expect(aes.length).toBe(32);
    const unwrapped = await aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", prepareAesKey(aes), blob.subarray(256));
    expect(Array.from(unwrapped)).toEqual(Array.from(secret));
  });

  it("key_hsm is base64url of {schema_version, header {kid, alg: dir, enc}, ciphertext, generator}", () => {
    const decoded = JSON.parse(new TextDecoder().decode(base64UrlToBytes(keyHsmBlob("TpmEphemeralEncryptionKey", "RSA_AES_KEY_WRAP_256", new Uint8Array([1, 2, 3]))) ?? new Uint8Array()));
    expect(decoded).toEqual({
      schema_version: "1.0.0",
      header: { kid: "TpmEphemeralEncryptionKey", alg: "dir", enc: "RSA_AES_KEY_WRAP_256" },
      ciphertext: "AQID",
      generator: expect.stringContaining("edge-vault"),
    });
  });
});

describe("keys derived from the root key", () => {
  it("are the same for a purpose every time, different across purposes, and sign ES256", async () => {
    const [a, b, c] = await Promise.all([derivedP256Key(await root(), "p/1"), derivedP256Key(await root(), "p/1"), derivedP256Key(await root(), "p/2")]);
    expect(a.publicJwk).toEqual(b.publicJwk);
    expect(a.publicJwk).not.toEqual(c.publicJwk);
    const data = new TextEncoder().encode("hello");
    const verifier = await crypto.subtle.importKey("jwk", a.publicJwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, verifier, a.sign(data), data)).toBe(true);
  });

  it("the vault's release signature verifies with its x5c certificate, which is per vault and stable", async () => {
    const signer = await releaseSigner(await root(), "tenant-a", "Vault1");
    const jws = signer.sign({ hello: "world" });
    const header = JSON.parse(new TextDecoder().decode(base64UrlToBytes(jws.split(".")[0] ?? "") ?? new Uint8Array())) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: "ES256", kid: signer.thumbprint, "x5t#S256": signer.thumbprint });
    const pem = `-----BEGIN CERTIFICATE-----\n${(header.x5c as string[])[0]}\n-----END CERTIFICATE-----`;
    const { payload } = await compactVerify(jws, await importX509(pem, "ES256"));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ hello: "world" });
    expect(bytesToBase64(signer.certificate)).toBe((header.x5c as string[])[0]);
    const other = await releaseSigner(await root(), "tenant-a", "vault2");
    expect(other.thumbprint).not.toBe(signer.thumbprint);
    expect((await releaseSigner(await root(), "tenant-b", "vault1")).thumbprint).not.toBe(signer.thumbprint);
  });
});

describe("the workload's key in the token", () => {
  const rsa = { kty: "RSA", n: bytesToBase64Url(new Uint8Array(256).fill(0xc5)), e: "AQAB" };
  const small = { kty: "RSA", n: bytesToBase64Url(new Uint8Array([0, ...new Uint8Array(255).fill(0x7f)])), e: "AQAB" };
  it.each([
    ["the first key for encryption (use)", { "x-ms-runtime": { keys: [{ ...rsa, kid: "sig", use: "sig" }, { ...rsa, kid: "enc", use: "enc" }] } }, "enc"],
    ["the first key for encryption (key_ops)", { "x-ms-runtime": { keys: [{ ...rsa, kid: "TpmEphemeralEncryptionKey", key_ops: ["encrypt"] }] } }, "TpmEphemeralEncryptionKey"],
    ["no kid", { "x-ms-runtime": { keys: [{ ...rsa, use: "enc" }] } }, ""],
  ])("%s", (_name, claims, kid) => {
    expect(runtimeEncryptionKey(claims)?.kid).toBe(kid);
  });

  it.each([
    ["no runtime claims", {}],
    ["keys not an array", { "x-ms-runtime": { keys: {} } }],
    ["no key meant for encryption", { "x-ms-runtime": { keys: [{ ...rsa, use: "sig" }] } }],
    ["the first encryption key is EC", { "x-ms-runtime": { keys: [{ kty: "EC", crv: "P-256", x: "a", y: "b", use: "enc" }, { ...rsa, use: "enc" }] } }],
    ["an RSA key under 2048 bits (a leading zero octet does not count)", { "x-ms-runtime": { keys: [{ ...small, use: "enc" }] } }],
    ["a modulus that is not base64url", { "x-ms-runtime": { keys: [{ kty: "RSA", n: "***", e: "AQAB", use: "enc" }] } }],
  ])("none: %s", (_name, claims) => {
    expect(runtimeEncryptionKey(claims)).toBeNull();
  });
});
