import { describe, expect, it } from "vitest";
import { AZURE_VAULT_LIMITS, keyCreateCost, keyTransactionCost, resolveLimits, tenantDefaults } from "../../core/domain/throttle/throttle-limits.ts";
import { leaseGrant } from "../../core/domain/throttle/throttle-lease.ts";
import { retryAfterSeconds, usedIn, windowStart } from "../../core/domain/throttle/throttle-window.ts";

describe("weights (Azure Key Vault service limits table)", () => {
  // The limits page: a 4,000-unit key bucket; each transaction costs 4,000 / its row's limit.
  const cases: [Parameters<typeof keyTransactionCost>[0], number][] = [
    [{ kty: "RSA", keySize: 2048 }, 1],
    [{ kty: "RSA", keySize: 3072 }, 4],
    [{ kty: "RSA", keySize: 4096 }, 8],
    [{ kty: "EC" }, 1],
    [{ kty: "RSA-HSM", keySize: 2048 }, 2],
    [{ kty: "RSA-HSM", keySize: 3072 }, 8],
    [{ kty: "RSA-HSM", keySize: 4096 }, 16],
    [{ kty: "EC-HSM" }, 2],
    [null, 1],
  ];
  it.each(cases)("%j costs %i units", (key, cost) => expect(keyTransactionCost(key)).toBe(cost));

  it("the page's worked example: 248 RSA-4096 HSM GETs and 16 RSA-2048 HSM GETs fill the window exactly", () => {
    expect(248 * keyTransactionCost({ kty: "RSA-HSM", keySize: 4096 }) + 16 * keyTransactionCost({ kty: "RSA-HSM", keySize: 2048 })).toBe(
      AZURE_VAULT_LIMITS.keys,
    );
  });

  it("CREATE: 20 software or 10 HSM keys per window", () => {
    expect(AZURE_VAULT_LIMITS.keyCreate / keyCreateCost("RSA")).toBe(20);
    expect(AZURE_VAULT_LIMITS.keyCreate / keyCreateCost("EC-HSM")).toBe(10);
  });

  it("tenant defaults are five times the vault's; overrides replace single buckets", () => {
    expect(tenantDefaults(AZURE_VAULT_LIMITS)).toEqual({ secretCreate: 1500, secrets: 20000, keyCreate: 100, keys: 20000 });
    expect(resolveLimits(AZURE_VAULT_LIMITS, { keys: 7 })).toEqual({ ...AZURE_VAULT_LIMITS, keys: 7 });
  });
});

describe("fixed 10-second windows", () => {
  it("windows start on multiples of 10 s; Retry-After is the whole seconds left, rounded up, at least 1", () => {
    expect(windowStart(1_700_000_003_200)).toBe(1_700_000_000);
    expect(retryAfterSeconds(1_700_000_003_200)).toBe(7);
    expect(retryAfterSeconds(1_700_000_000_000)).toBe(10);
    expect(retryAfterSeconds(1_700_000_009_999)).toBe(1);
  });

  it("a count from another window counts as zero", () => {
    expect(usedIn({ windowStart: 10, used: 5 }, 10)).toBe(5);
    expect(usedIn({ windowStart: 0, used: 5 }, 10)).toBe(0);
    expect(usedIn(undefined, 10)).toBe(0);
  });
});

describe("tenant leases", () => {
  it("grants a chunk of 1/40 of the limit, never more than is left, and nothing when the cost does not fit", () => {
    expect(leaseGrant(20_000, 0, 1)).toBe(500);
    expect(leaseGrant(20_000, 19_900, 1)).toBe(100);
    expect(leaseGrant(20_000, 19_999, 2)).toBe(0);
    expect(leaseGrant(6, 0, 1)).toBe(1);
    expect(leaseGrant(100, 0, 16)).toBe(16);
  });
});
