import { describe, expect, it } from "vitest";
import { derivePortable, hashPassword, passwordMatches } from "../../core/crypto/password-hash.ts";

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("password hashing (PBKDF2-HMAC-SHA-256)", () => {
  it("matches the right password only, with a fresh salt each time", async () => {
    const stored = await hashPassword("correct horse battery staple", 1000);
    expect(stored.salt).toHaveLength(16);
    expect(stored.hash).toHaveLength(32);
    expect(await passwordMatches("correct horse battery staple", stored)).toBe(true);
    expect(await passwordMatches("correct horse battery stapler", stored)).toBe(false);
    expect(hex((await hashPassword("correct horse battery staple", 1000)).salt)).not.toBe(hex(stored.salt));
  });

  it("derives in JavaScript what WebCrypto derives, so a hash verifies on a runtime that caps WebCrypto's iterations", async () => {
    const stored = await hashPassword("pässwörd ✓", 2000);
    expect(hex(await derivePortable("pässwörd ✓", stored.salt, 2000))).toBe(hex(stored.hash));
  });

  // RFC 7914 §11 (PBKDF2-HMAC-SHA-256 test vectors): P="passwd", S="salt", c=1, dkLen=64 — first 32 bytes.
  it("follows the RFC 7914 PBKDF2-HMAC-SHA-256 vector", async () => {
    const derived = await derivePortable("passwd", new TextEncoder().encode("salt"), 1);
    expect(hex(derived)).toBe("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  });
});
