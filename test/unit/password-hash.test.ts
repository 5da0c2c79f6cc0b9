import { describe, expect, it } from "vitest";
import { decoyPasswordSalt, derivePortable, hashPassword, passwordProof, proofMatches } from "../../core/crypto/password-hash.ts";

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("password hashing (PBKDF2-HMAC-SHA-256)", () => {
  it("matches the right password only, with a fresh salt each time", async () => {
    const stored = await hashPassword("correct horse battery staple", 1000);
    expect(stored.salt).toHaveLength(16);
    expect(stored.hash).toHaveLength(32);
    const given = { salt: stored.salt, iterations: stored.iterations, upgrade: null };
    expect(proofMatches(await passwordProof("correct horse battery staple", given), stored)).toBe(true);
    expect(proofMatches(await passwordProof("correct horse battery stapler", given), stored)).toBe(false);
    expect(hex((await hashPassword("correct horse battery staple", 1000)).salt)).not.toBe(hex(stored.salt));
  });

  it("never matches a proof made with another salt or count, even of the right password", async () => {
    const stored = await hashPassword("correct horse battery staple", 1000);
    const otherSalt = { salt: new Uint8Array(16), iterations: 1000, upgrade: null };
    const otherCount = { salt: stored.salt, iterations: 1001, upgrade: null };
    expect(proofMatches(await passwordProof("correct horse battery staple", otherSalt), stored)).toBe(false);
    expect(proofMatches(await passwordProof("correct horse battery staple", otherCount), stored)).toBe(false);
  });

  it("stretches the password under the upgrade's parameters too, as hashPassword would", async () => {
    const salt = new Uint8Array(16).fill(7);
    const proof = await passwordProof("pw", { salt: new Uint8Array(16), iterations: 1000, upgrade: { salt, iterations: 2000 } });
    expect(proof.upgrade).not.toBeNull();
    expect(hex(proof.upgrade?.hash ?? new Uint8Array())).toBe(hex(await derivePortable("pw", salt, 2000)));
  });

  it("gives a name that is no user the same decoy salt each time, and each name its own", async () => {
    const key = await crypto.subtle.importKey("raw", new Uint8Array(32).fill(1), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const first = await decoyPasswordSalt(key, "nobody@contoso.example");
    expect(first).toHaveLength(16);
    expect(hex(await decoyPasswordSalt(key, "nobody@contoso.example"))).toBe(hex(first));
    expect(hex(await decoyPasswordSalt(key, "someone@contoso.example"))).not.toBe(hex(first));
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
