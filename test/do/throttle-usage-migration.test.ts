/**
 * Vault migration 0022 (throttle_usage, the usage report's ring) on a vault of the schema before it that holds a
 * secret and a running throttle counter: applied once, the data kept, and the counter's window goes into the ring
 * when the next one begins.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { VAULT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { admin, uniqueVaultName } from "../support/fixture.ts";
import { newTenantWithVault, setVaultClock, vaultObject } from "../support/secrets.ts";

const W = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000;

describe("vault migration 0022", () => {
  it("adds the ring to a vault with data and a running counter, which survive", async () => {
    const vault = uniqueVaultName("mig23");
    const { tenantId, kv } = await newTenantWithVault(vault);
    await setVaultClock(vault, W + 1_000);
    expect((await kv.json("PUT", "/secrets/kept", { value: "before 0022" })).status).toBe(200);
    await runInDurableObject(vaultObject(vault), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE throttle_usage");
      sql.exec("DELETE FROM schema_migrations WHERE version >= 22");
      expect(migrate(state.storage, VAULT_MIGRATIONS)).toBe(1);
      expect(migrate(state.storage, VAULT_MIGRATIONS)).toBe(0);
      expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM throttle_usage").one().n).toBe(0);
      expect(sql.exec<{ used: number }>("SELECT used FROM throttle_windows WHERE bucket = 'secretCreate'").one().used).toBe(1);
    });
    await setVaultClock(vault, W + 11_000);
    expect((await kv.json<{ value: string }>("GET", "/secrets/kept")).body.value).toBe("before 0022");
    expect((await kv.json("PUT", "/secrets/after", { value: "after 0022" })).status).toBe(200);
    const report = (await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/usage`)).json()) as { buckets: { bucket: string; used: number[] }[] };
    const used = (bucket: string) => report.buckets.find((b) => b.bucket === bucket)?.used.slice(-2);
    expect({ secretCreate: used("secretCreate"), secrets: used("secrets") }).toStrictEqual({ secretCreate: [1, 1], secrets: [0, 1] });
    await runInDurableObject(vaultObject(vault), (_instance, state) => {
      expect(state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM throttle_usage").one().n).toBe(1);
    });
  });
});
