/**
 * Tenant migration 0007 (role_definitions) and vault migration 0018 (custom_role_copies) on databases of the schema
 * before them, holding data: applied once, the data kept, and the new tables used by the next request.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { TENANT_MIGRATIONS, VAULT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { admin, assignRole, createPrincipal, createTenant, createVault, uniqueVaultName } from "../support/fixture.ts";

const versions = (sql: SqlStorage): number[] =>
  sql.exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version").toArray().map((r) => r.version);

/**
 * Back to the schema before `version`: what it and every later migration made is dropped (`undoing`, newest first)
 * and their bookkeeping rows are gone, since the runner applies only versions above the highest recorded.
 */
function undo(sql: SqlStorage, version: number, undoing: readonly string[]): void {
  for (const statement of undoing) sql.exec(statement);
  sql.exec("DELETE FROM schema_migrations WHERE version >= ?", version);
}

/** What tenant migrations 0007 to 0013 made, newest first. */
const TENANT_FROM_7 = [
  "DROP TABLE spent_sign_in_states",
  "DROP TABLE external_identities",
  "DROP TABLE sign_in_providers",
  "DROP TABLE sign_in_settings",
  "DROP TABLE device_codes",
  "DROP TABLE refresh_tokens",
  "DROP TABLE authorization_codes",
  "DROP TABLE users",
  "ALTER TABLE tenant DROP COLUMN dek_root_version",
  "DROP TABLE trusted_issuer_objects",
  "DROP TABLE trusted_issuers",
  "DROP TABLE policy_assignments",
  "DROP TABLE role_definitions",
];
/** What vault migrations 0018 to 0022 made, newest first. */
const VAULT_FROM_18 = [
  "DROP TABLE throttle_usage",
  "ALTER TABLE vault DROP COLUMN dek_root_version",
  "DROP TABLE policy_assignments",
  "ALTER TABLE vault DROP COLUMN scheduled_purge_at",
  "ALTER TABLE vault DROP COLUMN deleted_at",
  "DROP TABLE custom_role_copies",
];
const after = (migrations: readonly { version: number }[], version: number) => migrations.filter((m) => m.version >= version).length;

const role = (roleName: string) => ({
  properties: { roleName, permissions: [{ dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"] }], assignableScopes: ["/"] },
});

describe("custom role migrations", () => {
  it("tenant 0007 upgrades a tenant with principals and groups, which survive", async () => {
    const tenantId = await createTenant();
    const principal = await createPrincipal(tenantId);
    const group = await (await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "g" })).json<{ id: string }>();
    const stub = env.TENANT.get(env.TENANT.idFromName(tenantId));
    await runInDurableObject(stub, (_instance, state) => {
      undo(state.storage.sql, 7, TENANT_FROM_7);
      expect(versions(state.storage.sql)).not.toContain(7);
      expect(migrate(state.storage, TENANT_MIGRATIONS)).toBe(after(TENANT_MIGRATIONS, 7));
      expect(migrate(state.storage, TENANT_MIGRATIONS)).toBe(0);
      expect(versions(state.storage.sql)).toStrictEqual(TENANT_MIGRATIONS.map((m) => m.version));
    });
    expect((await admin("GET", `/tenants/${tenantId}/principals/${principal.id}`)).status).toBe(200);
    expect((await admin("GET", `/tenants/${tenantId}/groups/${group.id}`)).status).toBe(200);
    expect((await admin("PUT", `/tenants/${tenantId}/roleDefinitions/${crypto.randomUUID()}`, role("After"))).status).toBe(201);
    // Names are unique without regard to case, by the table's own constraint too.
    expect((await admin("PUT", `/tenants/${tenantId}/roleDefinitions/${crypto.randomUUID()}`, role("AFTER"))).status).toBe(409);
  });

  it("vault 0018 upgrades a vault with role assignments, which survive and decide as before", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("mig18");
    await createVault(tenantId, vault);
    const principal = await createPrincipal(tenantId);
    await assignRole(tenantId, vault, principal.id, "Key Vault Secrets User");
    const stub = env.VAULT.get(env.VAULT.idFromName(vault));
    await runInDurableObject(stub, (_instance, state) => {
      undo(state.storage.sql, 18, VAULT_FROM_18);
      expect(migrate(state.storage, VAULT_MIGRATIONS)).toBe(after(VAULT_MIGRATIONS, 18));
      expect(versions(state.storage.sql)).toStrictEqual(VAULT_MIGRATIONS.map((m) => m.version));
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM role_assignments").one().n).toBe(1);
    });
    const id = crypto.randomUUID();
    expect((await admin("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, role("Copied"))).status).toBe(201);
    const assigned = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionId: id, principalId: principal.id });
    expect(assigned.status).toBe(201);
    await runInDurableObject(stub, (_instance, state) => {
      expect(state.storage.sql.exec("SELECT id, version FROM custom_role_copies").toArray()).toEqual([{ id, version: 1 }]);
    });
  });
});
