import { describe, expect, it } from "vitest";
import { AZURE_VAULT_LIMITS } from "../../core/domain/throttle/throttle-limits.ts";
import { USAGE_WINDOWS, throttleUsage, usageSlot } from "../../core/domain/throttle/usage-history.ts";

/** A window start (Unix seconds, a multiple of 10). */
const NOW = 1_800_000_000;

describe("the throttle usage report", () => {
  it("places each sample in its window, oldest first, the window in progress last", () => {
    const usage = throttleUsage(NOW, AZURE_VAULT_LIMITS, [
      { bucket: "secrets", windowStart: NOW, used: 7 },
      { bucket: "secrets", windowStart: NOW - 10, used: 3 },
      { bucket: "keys", windowStart: NOW - (USAGE_WINDOWS - 1) * 10, used: 16 },
    ]);
    expect(usage.firstWindowStart).toBe(NOW - (USAGE_WINDOWS - 1) * 10);
    const secrets = usage.buckets.find((b) => b.bucket === "secrets");
    expect(secrets?.limit).toBe(4000);
    expect(secrets?.used.slice(-3)).toStrictEqual([0, 3, 7]);
    expect(usage.buckets.find((b) => b.bucket === "keys")?.used[0]).toBe(16);
    expect(usage.buckets.every((b) => b.used.length === USAGE_WINDOWS)).toBe(true);
  });

  it("ignores a ring slot left from a window out of range, and lets a later sample of a window replace an earlier one", () => {
    const stale = NOW - USAGE_WINDOWS * 10;
    expect(usageSlot(stale)).toBe(usageSlot(NOW));
    const usage = throttleUsage(NOW, AZURE_VAULT_LIMITS, [
      { bucket: "secrets", windowStart: stale, used: 99 },
      { bucket: "secrets", windowStart: NOW + 10, used: 99 },
      { bucket: "secretCreate", windowStart: NOW, used: 1 },
      { bucket: "secretCreate", windowStart: NOW, used: 2 },
    ]);
    expect(usage.buckets.find((b) => b.bucket === "secrets")?.used.every((n) => n === 0)).toBe(true);
    expect(usage.buckets.find((b) => b.bucket === "secretCreate")?.used.at(-1)).toBe(2);
  });
});
