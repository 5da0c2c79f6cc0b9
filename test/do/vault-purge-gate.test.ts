/**
 * A purge claims the soft-deleted vault before its first await (edge leases, the HSM bridge), so a recovery or a
 * creation that arrives while it runs is refused — never reported done and then wiped (vault-lifecycle.ts `purging`).
 * The vault object's methods are called directly, so the recovery runs while the purge is suspended at its first await.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, uniqueVaultName } from "../support/fixture.ts";
import { newTenantWithVault, setSecret, vaultObject } from "../support/secrets.ts";

describe("a purge racing a recovery", () => {
  it("refuses the recovery with Conflict while the purge runs, and leaves nothing behind", async () => {
    const name = uniqueVaultName("pgate");
    const { tenantId, kv } = await newTenantWithVault(name);
    await setSecret(kv, "doomed", { value: "v" });
    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${name}`)).status).toBe(204);

    const [recovery, purged, after] = await runInDurableObject(vaultObject(name), async (instance) => {
      const purge = instance.purge();
      const recovered = await instance.recover();
      return [recovered, await purge, await instance.describe()] as const;
    });
    expect(recovery).toMatchObject({ ok: false, error: { code: "Conflict" } });
    expect(purged).toStrictEqual({ ok: true, value: null });
    expect(after).toBeNull();
  });

  it("refuses a second purge while the first runs", async () => {
    const name = uniqueVaultName("pgat2");
    const { tenantId } = await newTenantWithVault(name);
    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${name}`)).status).toBe(204);
    const [second, first] = await runInDurableObject(vaultObject(name), async (instance) => {
      const purge = instance.purge();
      return [await instance.purge(), await purge] as const;
    });
    expect(second).toMatchObject({ ok: false, error: { code: "Conflict" } });
    expect(first.ok).toBe(true);
  });
});
