import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { pointUserCode, userCodeTenant } from "../../durable-objects/registry/device-code-pointers.ts";

/** A registry object of the test's own, so other tests' pointers are not counted. */
const registry = (name: string) => env.REGISTRY.get(env.REGISTRY.idFromName(name));

const keys = (kv: SyncKvStorage): string[] => [...kv.list({ prefix: "device-code" })].map(([key]) => key);

describe("the registry's device user code pointers", () => {
  it("prune only what has expired, by the expiry index, and keep the live ones", async () => {
    await runInDurableObject(registry("pointers-prune"), (_instance, state) => {
      const kv = state.storage.kv;
      expect(pointUserCode(kv, "BBBBBBBB", "tenant-a", 1_000, 0)).toBe(true);
      expect(pointUserCode(kv, "CCCCCCCC", "tenant-b", 2_000, 0)).toBe(true);
      expect(pointUserCode(kv, "CCCCCCCC", "tenant-a", 2_500, 10)).toBe(false);
      expect(keys(kv)).toHaveLength(4);

      expect(pointUserCode(kv, "DDDDDDDD", "tenant-a", 3_000, 1_000)).toBe(true);
      expect(userCodeTenant(kv, "BBBBBBBB", 1_000)).toBeNull();
      expect(keys(kv)).toStrictEqual([
        "device-code-expiry|000000000002000|CCCCCCCC",
        "device-code-expiry|000000000003000|DDDDDDDD",
        "device-code|CCCCCCCC",
        "device-code|DDDDDDDD",
      ]);
      expect(userCodeTenant(kv, "CCCCCCCC", 1_999)).toBe("tenant-b");
      expect(userCodeTenant(kv, "CCCCCCCC", 2_000)).toBeNull();
    });
  });

  it("let an expired code be drawn again, and its old expiry never removes the new pointer", async () => {
    await runInDurableObject(registry("pointers-redraw"), (_instance, state) => {
      const kv = state.storage.kv;
      expect(pointUserCode(kv, "BBBBBBBB", "tenant-a", 1_000, 0)).toBe(true);
      // Expired but not pruned yet when drawn again: the write prunes first, then points it at the new tenant.
      expect(pointUserCode(kv, "BBBBBBBB", "tenant-b", 5_000, 1_000)).toBe(true);
      expect(pointUserCode(kv, "FFFFFFFF", "tenant-a", 9_000, 4_999)).toBe(true);
      expect(userCodeTenant(kv, "BBBBBBBB", 4_999)).toBe("tenant-b");
      expect(keys(kv)).toStrictEqual([
        "device-code-expiry|000000000005000|BBBBBBBB",
        "device-code-expiry|000000000009000|FFFFFFFF",
        "device-code|BBBBBBBB",
        "device-code|FFFFFFFF",
      ]);
    });
  });
});
