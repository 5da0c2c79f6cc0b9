import { describe, expect, it } from "vitest";
import { admin, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { addVault, expectError, newTenantWithVault, readJson, setVaultClock } from "../support/secrets.ts";
import type { VaultClient } from "../support/fixture.ts";

failOnlyOnTrulyUnhandledRejections();

/** 3.2 s into a 10-second window a year ahead: the window ends 6.8 s later, so Retry-After is 7. */
const WINDOW_START = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000;
const T = WINDOW_START + 3_200;

async function setLimits(tenantId: string, vault: string, throttleLimits: Record<string, number>): Promise<void> {
  const res = await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits });
  expect(res.status).toBe(200);
}

async function statuses(kv: VaultClient, n: number, path = "/secrets/absent"): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < n; i++) result.push((await kv.request("GET", path)).status);
  return result;
}

describe("per-vault throttling (Azure service limits, 10-second windows)", () => {
  it("over the limit: 429 Throttled with an exact Retry-After; refused requests do not count; the next window admits again", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId, kv } = await newTenantWithVault(vault);
    await setLimits(tenantId, vault, { secrets: 5 });
    await setVaultClock(vault, T);

    // Missing secrets answer 404, and still count as transactions.
    expect(await statuses(kv, 5)).toEqual([404, 404, 404, 404, 404]);
    const refused = await kv.request("GET", "/secrets/absent");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("7");
    const body = (await readJson<{ error: { code: string; message: string } }>(refused)).body;
    expect(body.error.code).toBe("Throttled");
    expect(body.error.message).toMatch(/too many requests.*VaultRequestTypeLimitReached/);

    await setVaultClock(vault, T + 6_000);
    const later = await kv.request("GET", "/secrets/absent");
    expect(later.status).toBe(429);
    expect(later.headers.get("Retry-After")).toBe("1");

    // Exactly Retry-After later the window is new and all five units are available again.
    await setVaultClock(vault, T + 7_000);
    expect(await statuses(kv, 5)).toEqual([404, 404, 404, 404, 404]);
    expect((await kv.request("GET", "/secrets/absent")).status).toBe(429);
  });

  it("secret CREATE has its own bucket: exhausting it leaves reads untouched", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId, kv } = await newTenantWithVault(vault);
    await setLimits(tenantId, vault, { secretCreate: 2 });
    await setVaultClock(vault, T);
    expect((await kv.json("PUT", "/secrets/a", { value: "1" })).status).toBe(200);
    expect((await kv.json("PUT", "/secrets/a", { value: "2" })).status).toBe(200);
    const third = await kv.json("PUT", "/secrets/a", { value: "3" });
    expectError(third, 429, "Throttled");
    expect(await statuses(kv, 3, "/secrets/a")).toEqual([200, 200, 200]);
    // The refused write changed nothing.
    const versions = await kv.json<{ value: unknown[] }>("GET", "/secrets/a/versions");
    expect(versions.body.value).toHaveLength(2);
  });

  it("key transactions are weighted by key type and size and enforced on their sum", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId, kv } = await newTenantWithVault(vault);
    expect((await kv.json("POST", "/keys/big/create", { kty: "RSA", key_size: 3072 })).status).toBe(200);
    expect((await kv.json("POST", "/keys/small/create", { kty: "EC", crv: "P-256" })).status).toBe(200);
    // RSA-3072 software keys allow 1,000 transactions where EC allows 4,000: each costs 4 units of 4,000.
    await setLimits(tenantId, vault, { keys: 10 });
    await setVaultClock(vault, T);
    expect(await statuses(kv, 2, "/keys/big")).toEqual([200, 200]);
    expectError(await kv.json("GET", "/keys/big"), 429, "Throttled");
    expect(await statuses(kv, 2, "/keys/small")).toEqual([200, 200]);
    expectError(await kv.json("GET", "/keys/small"), 429, "Throttled");
  });

  it("key CREATE has its own bucket (Azure: 20 per 10 s for software keys)", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId, kv } = await newTenantWithVault(vault);
    await setLimits(tenantId, vault, { keyCreate: 1 });
    await setVaultClock(vault, T);
    expect((await kv.json("POST", "/keys/k1/create", { kty: "EC" })).status).toBe(200);
    const second = await kv.json("POST", "/keys/k2/create", { kty: "EC" });
    expectError(second, 429, "Throttled");
    expect(second.headers.get("Retry-After")).toBe("7");
    expectError(await kv.json("GET", "/keys/k2"), 404, "KeyNotFound");
  });
});

describe("tenant-wide throttling (Azure: five times the per-vault limit across the subscription)", () => {
  it("vaults of one tenant share the tenant's limit; another tenant's vault is unaffected", async () => {
    const first = uniqueVaultName("thr");
    const { tenantId, kv: kvA } = await newTenantWithVault(first);
    const second = uniqueVaultName("thr");
    const { kv: kvB } = await addVault(tenantId, second);
    const other = uniqueVaultName("thr");
    const { tenantId: otherTenant, kv: kvOther } = await newTenantWithVault(other);
    expect((await admin("PUT", `/tenants/${tenantId}/throttleLimits`, { secrets: 6 })).status).toBe(200);
    expect((await admin("PUT", `/tenants/${otherTenant}/throttleLimits`, { secrets: 6 })).status).toBe(200);
    for (const vault of [first, second, other]) await setVaultClock(vault, T);

    expect(await statuses(kvA, 4)).toEqual([404, 404, 404, 404]);
    expect(await statuses(kvB, 2)).toEqual([404, 404]);
    const refused = await kvB.request("GET", "/secrets/absent");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("7");
    expect((await readJson<{ error: { message: string } }>(refused)).body.error.message).toMatch(/TenantRequestLimitReached/);
    expect((await kvA.request("GET", "/secrets/absent")).status).toBe(429);
    expect(await statuses(kvOther, 6)).toEqual([404, 404, 404, 404, 404, 404]);

    for (const vault of [first, second]) await setVaultClock(vault, T + 7_000);
    expect(await statuses(kvB, 3)).toEqual([404, 404, 404]);
  });
});

describe("throttle limits are configuration (control plane)", () => {
  it("defaults are Azure's numbers; tenant defaults are five times them", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId } = await newTenantWithVault(vault);
    const settings = await readJson<{ throttleLimits: Record<string, number>; auditRetentionDays: number }>(
      await admin("GET", `/tenants/${tenantId}/vaults/${vault}/settings`),
    );
    // The fixture's vaults complete long-running operations at once (fixture.ts createVault).
    expect(settings.body).toEqual({
      throttleLimits: { secretCreate: 300, secrets: 4000, keyCreate: 20, keys: 4000 },
      auditRetentionDays: 90,
      longRunningOperations: "immediate",
      edgeCache: false,
      publicJwks: false,
      networkAcls: null,
      cors: null,
      enableRbacAuthorization: true,
      accessPolicies: [],
    });
    const tenant = await readJson(await admin("GET", `/tenants/${tenantId}/throttleLimits`));
    expect(tenant.body).toEqual({ secretCreate: 1500, secrets: 20000, keyCreate: 100, keys: 20000 });
  });

  it("bad limits are 400 BadParameter and change nothing; DELETE returns to the defaults", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId } = await newTenantWithVault(vault);
    for (const throttleLimits of [{ secrets: 0 }, { secrets: 1.5 }, { bogus: 3 }, { keys: "10" }, [1], { keys: 2_000_000 }]) {
      expectError(await readJson(await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits })), 400, "BadParameter");
    }
    expectError(await readJson(await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { auditRetentionDays: 0 })), 400, "BadParameter");
    expectError(await readJson(await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { other: 1 })), 400, "BadParameter");
    const unchanged = await readJson<{ throttleLimits: Record<string, number> }>(await admin("GET", `/tenants/${tenantId}/vaults/${vault}/settings`));
    expect(unchanged.body.throttleLimits.secrets).toBe(4000);

    expect((await admin("PUT", `/tenants/${tenantId}/throttleLimits`, { keys: 50 })).status).toBe(200);
    const reset = await readJson<Record<string, number>>(await admin("DELETE", `/tenants/${tenantId}/throttleLimits`));
    expect(reset.body.keys).toBe(20000);
  });
});
