/**
 * GET /admin/tenants/{t}/vaults/{v}/usage (docs/portal.md "Throttling"): each bucket's units admitted per 10-second
 * window, the last 60, from the counters the vault's throttle keeps and the bounded ring of finished windows beside
 * them. Time is the vault object's injected clock.
 */
import { runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, admin, createPrincipal, createTenant, tokenFor, uniqueVaultName } from "../support/fixture.ts";
import { errorCode } from "../support/identity.ts";
import { systemClock } from "../../core/domain/clock.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { newTenantWithVault, setVaultClock, vaultObject } from "../support/secrets.ts";
import type { VaultClient } from "../support/fixture.ts";

failOnlyOnTrulyUnhandledRejections();

const ADMIN_RESOURCE = `${ISSUER_ORIGIN}/admin`;
/** A window a year ahead (so nothing the setup did falls in the report), and 3.2 s into it. */
const W = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000;
const T = W + 3_200;
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

interface Usage {
  windowSeconds: number;
  windows: number;
  from: string;
  to: string;
  buckets: { bucket: string; limit: number; used: number[] }[];
}

async function usage(tenantId: string, vault: string, key?: string): Promise<Usage> {
  const response = await admin("GET", `/tenants/${tenantId}/vaults/${vault}/usage`, undefined, key);
  expect(response.status).toBe(200);
  return (await response.json()) as Usage;
}

const series = (report: Usage, bucket: string): number[] => report.buckets.find((b) => b.bucket === bucket)?.used ?? [];

async function requests(kv: VaultClient, n: number, path = "/secrets/absent"): Promise<void> {
  for (let i = 0; i < n; i++) expect([200, 404]).toContain((await kv.request("GET", path)).status);
}

/** Rows of the ring in the vault's storage. */
function ringRows(vault: string): Promise<number> {
  return runInDurableObject(vaultObject(vault), (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM throttle_usage").one().n);
}

describe("the vault usage report", () => {
  it("counts the units each bucket admitted in the window in progress, weighted as charged, against the vault's limits", async () => {
    const vault = uniqueVaultName("use");
    const { tenantId, kv } = await newTenantWithVault(vault);
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: { secrets: 50 } })).status).toBe(200);
    await setVaultClock(vault, T);
    await requests(kv, 3);
    expect((await kv.json("PUT", "/secrets/a", { value: "1" })).status).toBe(200);
    expect((await kv.json("POST", "/keys/big/create", { kty: "RSA", key_size: 3072 })).status).toBe(200);
    // An RSA-3072 software key allows 1,000 transactions where the bucket counts 4,000: one GET is 4 units.
    await requests(kv, 2, "/keys/big");

    const report = await usage(tenantId, vault);
    expect({ windowSeconds: report.windowSeconds, windows: report.windows, from: report.from, to: report.to }).toStrictEqual({
      windowSeconds: 10,
      windows: 60,
      from: iso(W - 59 * 10_000),
      to: iso(W + 10_000),
    });
    expect(report.buckets.map((b) => [b.bucket, b.limit, b.used.at(-1)])).toStrictEqual([
      ["secretCreate", 300, 1],
      ["secrets", 50, 3],
      ["keyCreate", 20, 1],
      ["keys", 4000, 8],
    ]);
    for (const bucket of report.buckets) expect(bucket.used.slice(0, -1).every((n) => n === 0)).toBe(true);
    // Nothing is written for the history while the window runs: the counters were already written per request.
    expect(await ringRows(vault)).toBe(0);
  });

  it("rolls over: a finished window is kept once in the ring, across restarts, and the next one counts from zero", async () => {
    const vault = uniqueVaultName("use");
    const { tenantId, kv } = await newTenantWithVault(vault);
    await setVaultClock(vault, T);
    await requests(kv, 3);
    await setVaultClock(vault, T + 10_000);
    await requests(kv, 1);
    expect(series(await usage(tenantId, vault), "secrets").slice(-3)).toStrictEqual([0, 3, 1]);
    expect(await ringRows(vault)).toBe(1);
    // Kept in storage, not only in memory: a restarted object reports the same (the ring, and the current counter).
    await expect(runInDurableObject(vaultObject(vault), (_i, state) => state.abort("restart for the usage test"))).rejects.toThrow();
    // A new instance: the clock the test set is gone with the old one.
    expect(await runInDurableObject(vaultObject(vault), (instance) => instance.clock === systemClock)).toBe(true);
    await setVaultClock(vault, T + 10_000);
    expect(series(await usage(tenantId, vault), "secrets").slice(-3)).toStrictEqual([0, 3, 1]);
    // Two windows later, with no request in between: the history moves on with the clock alone.
    await setVaultClock(vault, T + 30_000);
    expect(series(await usage(tenantId, vault), "secrets").slice(-5)).toStrictEqual([0, 3, 1, 0, 0]);
  });

  it("keeps a bounded history: 60 windows, never more rows than that per bucket, and old ones drop out of the report", async () => {
    const vault = uniqueVaultName("use");
    const { tenantId, kv } = await newTenantWithVault(vault);
    // One request in each of 62 consecutive windows (0 … 61), two in the first so it is told apart.
    for (let i = 0; i < 62; i++) {
      await setVaultClock(vault, T + i * 10_000);
      await requests(kv, i === 0 ? 2 : 1);
    }
    expect(await ringRows(vault)).toBe(60);
    const full = series(await usage(tenantId, vault), "secrets");
    expect(full).toStrictEqual(new Array(60).fill(1));
    // 30 windows on: windows 32 … 61 still in the report, then 29 idle ones, then this one.
    await setVaultClock(vault, T + 91 * 10_000);
    await requests(kv, 1);
    const later = series(await usage(tenantId, vault), "secrets");
    expect(later).toStrictEqual([...new Array(30).fill(1), ...new Array(29).fill(0), 1]);
    expect(await ringRows(vault)).toBe(60);
  });

  it("is read by the tenant's admins and the operator; others are refused as the admin API refuses them", async () => {
    const vault = uniqueVaultName("use");
    const { tenantId } = await newTenantWithVault(vault);
    const path = `/tenants/${tenantId}/vaults/${vault}/usage`;
    const tenantAdmin = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
    expect((await usage(tenantId, vault, await tokenFor(tenantAdmin.identityHeader as string, ADMIN_RESOURCE))).windows).toBe(60);

    const stranger = await createPrincipal(await createTenant(), "managedIdentity", { tenantAdmin: true });
    const member = await createPrincipal(tenantId);
    const refusals = {
      "no credential": await SELF.fetch(`${ISSUER_ORIGIN}/admin${path}`),
      "another tenant's admin": await admin("GET", path, undefined, await tokenFor(stranger.identityHeader as string, ADMIN_RESOURCE)),
      "a principal who is no tenant admin": await admin("GET", path, undefined, await tokenFor(member.identityHeader as string, ADMIN_RESOURCE)),
      "a tenant admin's data-plane token": await admin("GET", path, undefined, await tokenFor(tenantAdmin.identityHeader as string)),
    };
    for (const [who, response] of Object.entries(refusals)) {
      const error = await errorCode(response);
      expect({ who, status: error.status, code: error.code }).toStrictEqual({ who, status: 401, code: "Unauthorized" });
    }
    const missing = await errorCode(await admin("GET", `/tenants/${tenantId}/vaults/${uniqueVaultName("none")}/usage`));
    expect({ status: missing.status, code: missing.code }).toStrictEqual({ status: 404, code: "VaultNotFound" });
  });
});
