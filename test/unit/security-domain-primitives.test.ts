/**
 * The building blocks of the security domain (core/crypto/security-domain/): the SP 800-108 KDF against
 * the Azure clients' self-test vector, A256CBC-HS512 against RFC 7518 Appendix B.3, and the compact JWEs
 * against Azure's own header bytes (the 7.2 spec example, decoded) and against `jose`, an independent
 * JWE implementation, in both directions (docs/security-domain-format.md §2, §5).
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { CompactEncrypt, compactDecrypt } from "jose";
import { describe, expect, it } from "vitest";
import { bytesToBase64, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { IntegrityError, decryptCbcHs512, encryptCbcHs512 } from "../../core/crypto/security-domain/a256cbc-hs512.ts";
import {
  decryptDirJwe,
  decryptRsaOaepJwe,
  encryptDirJwe,
  encryptRsaOaepJwe,
} from "../../core/crypto/security-domain/compact-jwe.ts";
import { secureRandomBytes } from "../../core/crypto/security-domain/random.ts";
import { datumKey, sp800108HmacSha512 } from "../../core/crypto/security-domain/sp800-108-kdf.ts";

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.replace(/\s+/g, "").match(/../g) ?? [], (h) => parseInt(h, 16));

async function rejects(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(IntegrityError);
}

describe("SP 800-108 counter-mode KDF, HMAC-SHA-512", () => {
  it("gives the Azure CLI / Az PowerShell self-test vector", async () => {
    // sp800_108.py and KDF.cs: key 32 × 'A', label "label", context "context", 256 bits.
    const out = await sp800108HmacSha512(new Uint8Array(32).fill(0x41), "label", "context", 256);
    expect(hex(out)).toBe("f0ca51f6308791404bf68b56024ee7c64d6c737716f81d47e1e68b5c4e399575");
  });

  it("chains blocks with a big-endian counter, as an independent noble HMAC computes it", async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const block = (i: number): Uint8Array =>
      hmac(sha512, key, Uint8Array.of(0, 0, 0, i, ...utf8("tag"), 0, ...utf8("ctx"), 0, 0, 0x04, 0x00)); // L = 1024
    const expected = hex(Uint8Array.of(...block(1), ...block(2)));
    expect(hex(await sp800108HmacSha512(key, "tag", "ctx", 1024))).toBe(expected);
  });

  it("keys a datum with label = tag, empty context, 512 bits", async () => {
    const master = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const expected = hmac(sha512, master, Uint8Array.of(0, 0, 0, 1, ...utf8("hsm_backup"), 0, 0, 0, 0x02, 0x00));
    expect(hex(await datumKey(master, "hsm_backup"))).toBe(hex(expected));
  });
});

describe("A256CBC-HS512 (RFC 7518 section 5.2.5)", () => {
  // RFC 7518 Appendix B.3.
  const K = Uint8Array.from({ length: 64 }, (_, i) => i);
  const P = utf8("A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience");
  const IV = fromHex("1af38c2dc2b96ffdd86694092341bc04");
  const A = utf8("The second principle of Auguste Kerckhoffs");
  const E = fromHex(`4affaaadb78c31c5da4b1b590d10ffbd3dd8d5d302423526912da037ecbcc7bd
    822c301dd67c373bccb584ad3e9279c2e6d12a1374b77f077553df829410446b
    36ebd97066296ae6427ea75c2e0846a11a09ccf5370dc80bfecbad28c73f09b3
    a3b75e662a2594410ae496b2e2e6609e31e6e02cc837f053d21f37ff4f51950b
    be2638d09dd7a4930930806d0703b1f6`);
  const T = fromHex("4dd3b4c088a7f45c216839645b2012bf2e6269a8c56a816dbc1b267761955bc5");

  it("encrypts the RFC 7518 B.3 vector", async () => {
    const sealed = await encryptCbcHs512(K, IV, P, A);
    expect(hex(sealed.ciphertext)).toBe(hex(E));
    expect(hex(sealed.tag)).toBe(hex(T));
  });

  it("decrypts it", async () => {
    expect(hex(await decryptCbcHs512(K, IV, E, T, A))).toBe(hex(P));
  });

  it("insists on the full 32-byte tag, where Azure's clients skip any other length", async () => {
    await rejects(decryptCbcHs512(K, IV, E, T.subarray(0, 16), A));
    await rejects(decryptCbcHs512(K, IV, E, new Uint8Array(0), A));
    await rejects(decryptCbcHs512(K, IV, E, Uint8Array.of(...T, 0), A));
  });

  it("refuses a changed ciphertext, IV, AAD or tag", async () => {
    const flip = (bytes: Uint8Array, at: number): Uint8Array => bytes.map((b, i) => (i === at ? b ^ 1 : b));
    await rejects(decryptCbcHs512(K, IV, flip(E, 40), T, A));
    await rejects(decryptCbcHs512(K, flip(IV, 0), E, T, A));
    await rejects(decryptCbcHs512(K, IV, E, T, flip(A, 3)));
    await rejects(decryptCbcHs512(K, IV, E, flip(T, 31), A));
    await rejects(decryptCbcHs512(K, IV, E.subarray(0, 100), T, A));
  });
});

const AZURE_DIR_HEADER = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiaHNtX2JhY2t1cCJ9";
const AZURE_SHARE_HEADER = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoibm90IHVzZWQifQ";

async function oaepPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    false,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
}

describe("compact JWE, dir / A256CBC-HS512", () => {
  const key = crypto.getRandomValues(new Uint8Array(64));
  const plaintext = utf8("the HSM's backup key");

  it("writes Azure's header bytes and an empty encrypted-key part", async () => {
    const jwe = await encryptDirJwe(key, "hsm_backup", plaintext, secureRandomBytes);
    const parts = jwe.split(".");
    expect(parts[0]).toBe(AZURE_DIR_HEADER); // the spec example's EncData header, byte for byte
    expect(parts[1]).toBe("");
    expect(parts.map((p) => p.includes("="))).toStrictEqual([false, false, false, false, false]);
  });

  it("is read by jose, and reads jose's", async () => {
    const ours = await encryptDirJwe(key, "hsm_backup", plaintext, secureRandomBytes);
    const opened = await compactDecrypt(ours, key);
    expect(hex(opened.plaintext)).toBe(hex(plaintext));
    expect(opened.protectedHeader).toStrictEqual({ alg: "dir", enc: "A256CBC-HS512", kid: "hsm_backup" });

    const theirs = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", kid: "t" }).encrypt(key);
    expect(hex(await decryptDirJwe(theirs, key, "t"))).toBe(hex(plaintext));
  });

  /** A dir JWE with any header and encrypted-key part, correctly authenticated: only our header checks can refuse it. */
  async function handMade(header: Record<string, unknown>, encryptedKey = ""): Promise<string> {
    const encodedHeader = bytesToBase64Url(utf8(JSON.stringify(header)));
    const iv = crypto.getRandomValues(new Uint8Array(16));
    const sealed = await encryptCbcHs512(key, iv, plaintext, utf8(encodedHeader));
    return [encodedHeader, encryptedKey, bytesToBase64Url(iv), bytesToBase64Url(sealed.ciphertext), bytesToBase64Url(sealed.tag)].join(".");
  }

  it("opens a hand-made JWE, so the refusals below are the header checks'", async () => {
    expect(hex(await decryptDirJwe(await handMade({ alg: "dir", enc: "A256CBC-HS512", kid: "a" }), key, "a"))).toBe(hex(plaintext));
  });

  it("refuses a kid other than the tag, crit, zip, another alg or enc, a non-empty key part", async () => {
    await rejects(decryptDirJwe(await handMade({ alg: "dir", enc: "A256CBC-HS512", kid: "a" }), key, "b"));
    await rejects(decryptDirJwe(await handMade({ alg: "dir", enc: "A256CBC-HS512" }), key, "a"));
    await rejects(decryptDirJwe(await handMade({ alg: "dir", enc: "A256CBC-HS512", kid: "a", crit: ["x"], x: 1 }), key, "a"));
    await rejects(decryptDirJwe(await handMade({ alg: "dir", enc: "A256CBC-HS512", kid: "a", zip: "DEF" }), key, "a"));
    await rejects(decryptDirJwe(await handMade({ alg: "A256KW", enc: "A256CBC-HS512", kid: "a" }), key, "a"));
    await rejects(decryptDirJwe(await handMade({ alg: "dir", enc: "A128CBC-HS256", kid: "a" }), key, "a"));
    await rejects(decryptDirJwe(await handMade({ alg: "dir", enc: "A256CBC-HS512", kid: "a" }, "AAAA"), key, "a"));
    const gcm = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: "a" }).encrypt(key.subarray(0, 32));
    await rejects(decryptDirJwe(gcm, key, "a"));
  });

  it("refuses padded or non-canonical base64url parts and a sixth part", async () => {
    const jwe = await encryptDirJwe(key, "a", plaintext, secureRandomBytes);
    const [h, , iv, c, t] = jwe.split(".");
    await rejects(decryptDirJwe([h, "", `${iv}==`, c, t].join("."), key, "a"));
    await rejects(decryptDirJwe(`${jwe}.x`, key, "a"));
    await rejects(decryptDirJwe(jwe.split(".").slice(0, 4).join("."), key, "a"));
  });

  it("accepts the CLI's doubly base64url-encoded form (padded, as Python writes it)", async () => {
    const jwe = await encryptDirJwe(key, "a", plaintext, secureRandomBytes);
    const twice = bytesToBase64(utf8(jwe)).replace(/\+/g, "-").replace(/\//g, "_");
    expect(twice.includes(".")).toBe(false);
    expect(hex(await decryptDirJwe(twice, key, "a"))).toBe(hex(plaintext));
    expect(hex(await decryptDirJwe(bytesToBase64Url(utf8(jwe)), key, "a"))).toBe(hex(plaintext));
  });
});

describe("compact JWE, RSA-OAEP-256 / A256CBC-HS512", () => {
  const plaintext = crypto.getRandomValues(new Uint8Array(64)); // a share of a 32-byte master key

  it("writes Azure's share header and the spec example's part sizes (key = modulus, 16, 80, 32)", async () => {
    const pair = await oaepPair();
    const jwe = await encryptRsaOaepJwe(pair.publicKey, plaintext, secureRandomBytes);
    const parts = jwe.split(".");
    expect(parts[0]).toBe(AZURE_SHARE_HEADER);
    const sizes = parts.slice(1).map((p) => Math.floor((p.length * 3) / 4));
    expect(sizes).toStrictEqual([256, 16, 80, 32]);
    expect(hex(await decryptRsaOaepJwe(jwe, pair.privateKey, secureRandomBytes))).toBe(hex(plaintext));
  });

  it("is read by jose, and reads jose's", async () => {
    const pair = await oaepPair();
    const ours = await encryptRsaOaepJwe(pair.publicKey, plaintext, secureRandomBytes);
    expect(hex((await compactDecrypt(ours, pair.privateKey)).plaintext)).toBe(hex(plaintext));
    const theirs = await new CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: "RSA-OAEP-256", enc: "A256CBC-HS512", kid: "not used" })
      .encrypt(pair.publicKey);
    expect(hex(await decryptRsaOaepJwe(theirs, pair.privateKey, secureRandomBytes))).toBe(hex(plaintext));
  });

  it("fails the same way for another recipient's key and for a forged tag", async () => {
    const [pair, other] = await Promise.all([oaepPair(), oaepPair()]);
    const jwe = await encryptRsaOaepJwe(pair.publicKey, plaintext, secureRandomBytes);
    await rejects(decryptRsaOaepJwe(jwe, other.privateKey, secureRandomBytes));
    const parts = jwe.split(".");
    parts[4] = bytesToBase64Url(new Uint8Array(32));
    await rejects(decryptRsaOaepJwe(parts.join("."), pair.privateKey, secureRandomBytes));
    const rsa1 = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: "RSA-OAEP", enc: "A256CBC-HS512" }).encrypt(
      (await crypto.subtle.generateKey(
        { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" },
        false,
        ["encrypt", "decrypt"],
      ) as CryptoKeyPair).publicKey,
    );
    await rejects(decryptRsaOaepJwe(rsa1, pair.privateKey, secureRandomBytes));
  });
});
