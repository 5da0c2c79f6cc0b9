import { describe, expect, it } from "vitest";
import { base64UrlToBytes, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import {
  credentialMatches,
  hashCredential,
  identityHeader,
  newCredentialSecret,
  parseIdentityHeader,
} from "../../core/crypto/credential-hash.ts";

const TENANT = "7c1e6a52-1111-4a6e-9a0e-0123456789ab";
const PRINCIPAL = "0f3c2a52-3333-4a6e-9a0e-0123456789ab";

describe("credential secrets", () => {
  it("are 256 random bits in base64url", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const secret = newCredentialSecret();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(base64UrlToBytes(secret)?.length).toBe(32);
      seen.add(secret);
    }
    expect(seen.size).toBe(50);
  });

  it("are stored as SHA-256 (FIPS 180-4 'abc' vector)", async () => {
    const hash = await hashCredential("abc");
    expect([...hash].map((b) => b.toString(16).padStart(2, "0")).join("")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("match only the exact secret", async () => {
    const secret = newCredentialSecret();
    const stored = await hashCredential(secret);
    expect(await credentialMatches(secret, stored)).toBe(true);
    expect(await credentialMatches(`${secret} `, stored)).toBe(false);
    expect(await credentialMatches(secret.slice(0, -1), stored)).toBe(false);
    expect(await credentialMatches(newCredentialSecret(), stored)).toBe(false);
    expect(await credentialMatches(secret, stored.slice(0, 31))).toBe(false);
  });
});

describe("identity headers", () => {
  it("round-trip tenant, principal and secret", () => {
    const secret = newCredentialSecret();
    const header = identityHeader(TENANT, PRINCIPAL, secret);
    expect(header).toBe(`mi1.${TENANT}.${PRINCIPAL}.${secret}`);
    expect(parseIdentityHeader(header)).toStrictEqual({ tenantId: TENANT, principalId: PRINCIPAL, secret });
  });

  it.each([
    ["empty", ""],
    ["wrong prefix", `mi2.${TENANT}.${PRINCIPAL}.${bytesToBase64Url(new Uint8Array(32))}`],
    ["missing part", `mi1.${TENANT}.${bytesToBase64Url(new Uint8Array(32))}`],
    ["extra part", `mi1.${TENANT}.${PRINCIPAL}.${bytesToBase64Url(new Uint8Array(32))}.x`],
    ["31-byte secret", `mi1.${TENANT}.${PRINCIPAL}.${bytesToBase64Url(new Uint8Array(31))}`],
    ["33-byte secret", `mi1.${TENANT}.${PRINCIPAL}.${bytesToBase64Url(new Uint8Array(33))}`],
    ["secret not base64url", `mi1.${TENANT}.${PRINCIPAL}.${"+".repeat(43)}`],
    ["garbage", "Bearer xyz"],
  ])("refuses a header with %s", (_label, header) => {
    expect(parseIdentityHeader(header)).toBeNull();
  });
});
