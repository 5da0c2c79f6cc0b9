/**
 * Migration 0013 (migrations/vault/0013_managed_hsm_rbac_and_settings.sql): a managed HSM's Key Vault role
 * assignments, which the admin API made before the HSM had its own roles, become the Managed HSM roles that grant the
 * same on keys; a vault's assignments are left alone.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { VAULT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { RoleAssignmentRepository } from "../../durable-objects/storage/role-assignment-repository.ts";
import { userTables } from "../support/storage.ts";

const stub = (name: string) => env.VAULT.get(env.VAULT.idFromName(name));
const KV_ADMINISTRATOR = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
const KV_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const KV_READER = "21090545-7ca7-4776-b22c-e363652d74d2";

function atVersion12(sql: SqlStorage, storage: DurableObjectStorage, sku: string): void {
  for (const table of userTables(sql).sort((a, b) => Number(b === "object_versions") - Number(a === "object_versions"))) sql.exec(`DROP TABLE "${table}"`);
  migrate(storage, VAULT_MIGRATIONS.filter((m) => m.version <= 12));
  sql.exec("INSERT INTO vault (id, name, tenant_id, retention_days, purge_protection, sku, created, wrapped_dek) VALUES (1, 'm', 't', 90, 0, ?, 1, x'00')", sku);
  const add = (id: string, principal: string, role: string) =>
    sql.exec("INSERT INTO role_assignments (id, principal_id, role_definition_id, scope, created) VALUES (?, ?, ?, '/', 1)", id, principal, role);
  add("a-admin", "p1", KV_ADMINISTRATOR);
  add("a-secrets", "p2", KV_SECRETS_USER);
  add("a-reader", "p3", KV_READER);
}

describe("migration 0013", () => {
  it("turns a managed HSM's Key Vault roles into Managed HSM roles", async () => {
    await runInDurableObject(stub("hsm-role-migration"), (_instance, state) => {
      atVersion12(state.storage.sql, state.storage, "managedHSM");
      migrate(state.storage, VAULT_MIGRATIONS);
      const rows = new RoleAssignmentRepository(state.storage.sql).all();
      const held = (principal: string) => rows.filter((r) => r.principalId === principal).map((r) => r.roleDefinitionId).sort();
      expect(held("p1")).toEqual(["21dbd100-6940-42c2-9190-5d6cb909625b", "515eb02d-2335-4d2d-92f2-b1cbdf9c3778", "a290e904-7015-4bba-90c8-60543313cdb4"]);
      expect(rows.find((r) => r.id === "a-admin")?.roleDefinitionId).toBe("a290e904-7015-4bba-90c8-60543313cdb4");
      expect(held("p2")).toEqual([]);
      expect(held("p3")).toEqual(["2c18b078-7c48-4d3a-af88-5a3a1b3f82b3", "51013eda-ffbe-4d29-be0f-5d7ec88f84a3"]);
      for (const row of rows) expect(row.id).toMatch(/^(a-admin|a-reader|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12})$/);
      expect(userTables(state.storage.sql)).not.toContain("legacy_role_map");
    });
  });

  it("leaves a vault's assignments as they were", async () => {
    await runInDurableObject(stub("vault-role-migration"), (_instance, state) => {
      atVersion12(state.storage.sql, state.storage, "premium");
      migrate(state.storage, VAULT_MIGRATIONS);
      const roles = new RoleAssignmentRepository(state.storage.sql).all().map((r) => r.roleDefinitionId).sort();
      expect(roles).toEqual([KV_ADMINISTRATOR, KV_SECRETS_USER, KV_READER].sort());
    });
  });
});
