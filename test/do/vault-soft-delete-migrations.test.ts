/**
 * Vault soft delete's migrations, old → new with data surviving (house style 9): registry 0004 (a deleted vault's
 * name, schedule and record on `vault_names`) and vault 0019 (the deletion marks on the `vault` row).
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { REGISTRY_MIGRATIONS, VAULT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { RegistryRepository } from "../../durable-objects/storage/registry-repository.ts";
import { VaultRepository } from "../../durable-objects/storage/vault-repository.ts";
import { deletedVaultOf } from "../../core/domain/vault/deleted-vault.ts";
import { DAY_MS } from "../../core/domain/clock.ts";
import { uniqueVaultName } from "../support/fixture.ts";

function emptyDatabase(sql: SqlStorage): void {
  const tables = sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
    .toArray()
    .map((r) => r.name)
    .sort((a, b) => Number(b === "object_versions") - Number(a === "object_versions"));
  for (const table of tables) sql.exec(`DROP TABLE "${table}"`);
}

describe("registry 0004 (deleted vaults)", () => {
  it("keeps the names reserved under 0003 live and reserved, and then holds deletions, indexed for the alarm", async () => {
    await runInDurableObject(env.REGISTRY.get(env.REGISTRY.idFromName("registry")), (_instance, state) => {
      const sql = state.storage.sql;
      emptyDatabase(sql);
      migrate(state.storage, REGISTRY_MIGRATIONS.filter((m) => m.version <= 3));
      const tenantId = crypto.randomUUID();
      sql.exec("INSERT INTO tenants (id, display_name, created) VALUES (?, 't', 1)", tenantId);
      sql.exec("INSERT INTO vault_names (name_key, tenant_id, created) VALUES ('old-vault', ?, 1), ('other-vault', ?, 2)", tenantId, tenantId);

      expect(migrate(state.storage, REGISTRY_MIGRATIONS)).toBe(REGISTRY_MIGRATIONS.length - 3);
      const repo = new RegistryRepository(sql);
      expect([repo.vaultOwner("old-vault"), repo.isDeleted("old-vault"), repo.vaultCount(tenantId)]).toStrictEqual([tenantId, false, 2]);
      expect([repo.deletedVaults(null), repo.nextPurgeAt()]).toStrictEqual([[], null]);
      expect(repo.reserveVault("old-vault", crypto.randomUUID(), 3)).toBe(false);

      const deleted = deletedVaultOf({ name: "Old-Vault", tenantId, retentionDays: 7, purgeProtection: false, sku: "standard", created: 1 }, 10 * DAY_MS);
      expect(repo.markDeleted(deleted)).toBe(true);
      expect(repo.deletedVaults(tenantId)).toStrictEqual([deleted]);
      expect(repo.duePurges(deleted.scheduledPurgeAt - 1, 10)).toStrictEqual([]);
      expect(repo.duePurges(deleted.scheduledPurgeAt, 10)).toStrictEqual([deleted]);
      const plan = sql
        .exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT MIN(scheduled_purge_at) AS t FROM vault_names WHERE scheduled_purge_at IS NOT NULL")
        .toArray()
        .map((r) => r.detail)
        .join(" | ");
      expect(plan).toContain("vault_names_by_scheduled_purge");
      const duePlan = sql
        .exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT name_key FROM vault_names WHERE scheduled_purge_at <= 5 ORDER BY scheduled_purge_at LIMIT 10")
        .toArray()
        .map((r) => r.detail)
        .join(" | ");
      expect(duePlan).toContain("vault_names_by_scheduled_purge");
      expect(repo.unmarkDeleted("old-vault", tenantId)).toBe(true);
      expect(repo.isDeleted("old-vault")).toBe(false);
    });
  });
});

describe("vault 0019 (soft delete marks)", () => {
  it("reads a vault made under 0017 as live, and then holds and clears its deletion", async () => {
    const name = uniqueVaultName("mig19");
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(name)), (_instance, state) => {
      const sql = state.storage.sql;
      emptyDatabase(sql);
      migrate(state.storage, VAULT_MIGRATIONS.filter((m) => m.version <= 17));
      sql.exec(
        "INSERT INTO vault (id, name, tenant_id, retention_days, purge_protection, sku, created, wrapped_dek) VALUES (1, ?, 't', 30, 1, 'premium', 5, ?)",
        name,
        new Uint8Array([1, 2, 3]),
      );
      migrate(state.storage, VAULT_MIGRATIONS);
      const repo = new VaultRepository(sql);
      expect(repo.load()).toMatchObject({
        config: { name, tenantId: "t", retentionDays: 30, purgeProtection: true, sku: "premium", created: 5 },
        deletion: null,
      });
      repo.setDeletion({ deletedAt: 100, scheduledPurgeAt: 200 });
      expect(repo.load()?.deletion).toStrictEqual({ deletedAt: 100, scheduledPurgeAt: 200 });
      repo.setDeletion(null);
      expect(repo.load()?.deletion).toBeNull();
    });
  });
});
