/** Verified tokens recalled per isolate (worker/auth/verified-tokens.ts): only within the token's own window. */
import { describe, expect, it } from "vitest";
import { forgetVerifiedOf, recallVerified, rememberVerified, verifiedTokenKey, type VerifiedCaller } from "../../worker/auth/verified-tokens.ts";

const NOW = 1_800_000_000_000;
const caller = (claims: Record<string, number>): VerifiedCaller => ({
  tenantId: "t",
  objectId: "o",
  appId: "a",
  principalType: "ServicePrincipal",
  claims,
});

describe("verified tokens", () => {
  it("recall a token only for the tenant and audience it was verified for", () => {
    const key = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "t", "https://vault.localhost");
    rememberVerified(key, caller({ exp: NOW / 1000 + 3600 }), NOW, 60);
    expect(recallVerified(key, NOW + 1)?.objectId).toBe("o");
    expect(recallVerified(key.replace("\nhttps://vault.localhost\n", "\nhttps://other\n"), NOW + 1)).toBeNull();
  });

  it("never past exp (with the verifier's skew), never before nbf, never more than a minute after verifying", () => {
    const soon = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "t", "aud");
    // Expired 30 s ago, still within the 60 s skew jose allowed: usable for 30 s more.
    rememberVerified(soon, caller({ exp: NOW / 1000 - 30 }), NOW, 60);
    expect(recallVerified(soon, NOW + 29_999)).not.toBeNull();
    expect(recallVerified(soon, NOW + 30_000)).toBeNull();

    const later = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "t", "aud");
    rememberVerified(later, caller({ exp: NOW / 1000 + 3600, nbf: NOW / 1000 + 120 }), NOW, 60);
    expect(recallVerified(later, NOW)).toBeNull();

    const long = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "t", "aud");
    rememberVerified(long, caller({ exp: NOW / 1000 + 3600 }), NOW, 60);
    expect(recallVerified(long, NOW + 59_999)).not.toBeNull();
    expect(recallVerified(long, NOW + 60_000)).toBeNull();
  });

  it("does not remember a token without exp", () => {
    const key = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "t", "aud");
    rememberVerified(key, caller({}), NOW, 60);
    expect(recallVerified(key, NOW)).toBeNull();
  });
});

describe("a tenant's keys loaded again", () => {
  it("forgets what was verified for that tenant only", () => {
    const mine = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "tenant-a", "aud");
    const theirs = verifiedTokenKey(`tok-${crypto.randomUUID()}`, "tenant-b", "aud");
    rememberVerified(mine, caller({ exp: NOW / 1000 + 3600 }), NOW, 60);
    rememberVerified(theirs, caller({ exp: NOW / 1000 + 3600 }), NOW, 60);
    forgetVerifiedOf("tenant-a");
    expect([recallVerified(mine, NOW), recallVerified(theirs, NOW)?.objectId]).toEqual([null, "o"]);
  });
});
