/**
 * What the encrypt/wrap modules rely on in workerd (`nodejs_compat`), measured, so a runtime upgrade
 * that changes any of it fails here first rather than inside a decrypt.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  getCiphers,
  privateDecrypt,
  publicEncrypt,
  type JsonWebKey as NodeJwk,
} from "node:crypto";
import { describe, expect, it } from "vitest";

describe("workerd crypto capabilities the encrypt modules depend on", () => {
  it("node:crypto offers bare AES-CBC and AES-ECB for every key size, but no key-wrap ciphers", () => {
    const ciphers = getCiphers();
    for (const bits of [128, 192, 256]) {
      expect(ciphers).toContain(`aes-${bits}-cbc`);
      expect(ciphers).toContain(`aes-${bits}-ecb`);
      expect(ciphers).not.toContain(`id-aes${bits}-wrap`);
      expect(ciphers).not.toContain(`id-aes${bits}-wrap-pad`);
    }
    expect(() => createCipheriv("id-aes128-wrap", new Uint8Array(16), new Uint8Array(8))).toThrow();
  });

  it("an ECB cipher with padding off returns each block from update() at once", () => {
    const cipher = createCipheriv("aes-192-ecb", new Uint8Array(24), new Uint8Array(0));
    cipher.setAutoPadding(false);
    expect(cipher.update(new Uint8Array(16)).length).toBe(16);
    expect(cipher.update(new Uint8Array(16)).length).toBe(16);
    expect(cipher.final().length).toBe(0);
  });

  it("node:crypto AES-GCM: a decipher refuses setAAD with an empty buffer (Node accepts it)", () => {
    const decipher = createDecipheriv("aes-128-gcm", new Uint8Array(16), new Uint8Array(12));
    expect(() => decipher.setAAD(new Uint8Array(0))).toThrow("Failed to set AAD");
    expect(() => createCipheriv("aes-128-gcm", new Uint8Array(16), new Uint8Array(12)).setAAD(new Uint8Array(0))).not.toThrow();
  });

  it("WebCrypto imports 192-bit AES keys for AES-GCM and AES-KW (Chrome's BoringSSL build does not)", async () => {
    const raw = new Uint8Array(24);
    await expect(crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"])).resolves.toBeDefined();
    await expect(crypto.subtle.importKey("raw", raw, "AES-KW", false, ["wrapKey"])).resolves.toBeDefined();
  });

  describe("RSA", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" },
      true,
      ["encrypt", "decrypt"],
    )) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as NodeJwk;
    // A KeyObject inside an options object is refused in workerd, so the checks pass PEM.
    const priv = String(createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));
    const pub = String(createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" }).export({ type: "spki", format: "pem" }));

    it("allows PKCS#1 v1.5 decryption (Node >= 20.11 refuses it) and fails bad padding with one message", () => {
      const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, new Uint8Array([1, 2, 3]));
      const pt = privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_PADDING }, ct);
      expect([...pt]).toEqual([1, 2, 3]);
      expect(() => privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_PADDING }, new Uint8Array(256).fill(3))).toThrow(
        "Failed to cipher/decipher",
      );
    });

    it("does not default oaepHash to SHA-1 as Node documents, so the hash must always be named", async () => {
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, pair.publicKey, new Uint8Array([4])));
      expect(() => privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING }, ct)).toThrow();
      expect([...privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, ct)]).toEqual([4]);
    });
  });
});
