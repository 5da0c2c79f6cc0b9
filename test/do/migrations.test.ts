import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../core/crypto/bytes.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { valueAad } from "../../core/crypto/envelope/aad.ts";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { REGISTRY_MIGRATIONS, TENANT_MIGRATIONS, VAULT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { ObjectRepository } from "../../durable-objects/storage/object-repository.ts";
import { RoleAssignmentRepository } from "../../durable-objects/storage/role-assignment-repository.ts";
import { VaultRepository } from "../../durable-objects/storage/vault-repository.ts";

const ALL_VERSIONS = VAULT_MIGRATIONS.map((m) => m.version);
const NEXT_VERSION = Math.max(...ALL_VERSIONS) + 1;
import { createPrincipal, createTenant, tokenFor, vaultClient, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { userTables } from "../support/storage.ts";

failOnlyOnTrulyUnhandledRejections();

const PURGE_INDEX = "objects_by_scheduled_purge";
const ADMINISTRATOR = "00482a5a-887f-4fb3-b363-3b7fe8e74483";

const vaultStub = (name: string) => env.VAULT.get(env.VAULT.idFromName(name.toLowerCase()));

function versions(sql: SqlStorage): number[] {
  return sql.exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version").toArray().map((r) => r.version);
}

function indexExists(sql: SqlStorage, name: string): boolean {
  return sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?", name).toArray().length === 1;
}

/** Returns the object to an empty database, as if it had never run: children before parents. */
function dropEverything(sql: SqlStorage): void {
  const tables = userTables(sql).sort((a, b) => Number(b === "object_versions") - Number(a === "object_versions"));
  for (const table of tables) sql.exec(`DROP TABLE "${table}"`);
  expect(userTables(sql)).toStrictEqual([]);
}

const hex32 = () => crypto.randomUUID().replace(/-/g, "");

interface Seeded {
  config: VaultConfig;
  wrappedDek: Uint8Array;
  versions: { name: string; version: string; value: string; seq: number }[];
  deletedName: string;
  purgeAt: number;
}

/**
 * Writes a vault with secrets, a soft-deleted secret and a role assignment the way version-1 code did:
 * with schema 1's columns only (today's repositories write columns that later migrations added).
 */
async function seedAtVersion1(sql: SqlStorage, name: string, tenantId: string, principalId: string): Promise<Seeded> {
  const config: VaultConfig = { name, tenantId, retentionDays: 7, purgeProtection: false, sku: "standard", created: 1_900_000_000 };
  const root = await rootKeyFromEnv(env.ROOT_KEY);
  const { dataKey, wrapped } = await DataKey.create(root, `vault|${tenantId}|${name.toLowerCase()}`);
  const seeded: Seeded["versions"] = [
    { name: "db-pass", version: hex32(), value: "old-schema-value-1", seq: 1 },
    { name: "db-pass", version: hex32(), value: "old-schema-value-2", seq: 2 },
    { name: "Api-Key", version: hex32(), value: "old-schema-api-key", seq: 1 },
    { name: "gone", version: hex32(), value: "old-schema-deleted", seq: 1 },
  ];
  const sealed = await Promise.all(
    seeded.map((s) => dataKey.seal(utf8(s.value), valueAad(config, "secret", s.name.toLowerCase(), s.version))),
  );
  const purgeAt = 4_000_000_000;

  sql.exec(
    "INSERT INTO vault (id, name, tenant_id, retention_days, purge_protection, sku, created, wrapped_dek) VALUES (1, ?, ?, 7, 0, 'standard', ?, ?)",
    name,
    tenantId,
    config.created,
    wrapped,
  );
  for (const [i, s] of seeded.entries()) {
    const key = s.name.toLowerCase();
    const deleted = key === "gone";
    sql.exec(
      "INSERT OR IGNORE INTO objects (kind, name_key, name, deleted_at, scheduled_purge_at) VALUES ('secret', ?, ?, ?, ?)",
      key,
      s.name,
      deleted ? 3_999_000_000 : null,
      deleted ? purgeAt : null,
    );
    sql.exec(
      "INSERT INTO object_versions (kind, name_key, version, seq, enabled, nbf, exp, created, updated, content_type, tags, managed, sealed_value) " +
        "VALUES ('secret', ?, ?, ?, 1, NULL, NULL, ?, ?, 'text/plain', ?, 0, ?)",
      key,
      s.version,
      s.seq,
      1_900_000_000 + i,
      1_900_000_000 + i,
      JSON.stringify({ era: "v1" }),
      sealed[i] as Uint8Array,
    );
  }
  sql.exec(
    "INSERT INTO role_assignments (id, principal_id, role_definition_id, scope, created) VALUES (?, ?, ?, '/', 1)",
    crypto.randomUUID(),
    principalId,
    ADMINISTRATOR,
  );
  return { config, wrappedDek: wrapped, versions: seeded, deletedName: "gone", purgeAt };
}

describe("vault migrations", () => {
  it("a new vault object is at the latest schema", async () => {
    await runInDurableObject(vaultStub(uniqueVaultName("mig")), (_instance, state) => {
      expect(versions(state.storage.sql)).toStrictEqual(ALL_VERSIONS);
      expect(indexExists(state.storage.sql, PURGE_INDEX)).toBe(true);
    });
  });

  it("upgrade a version-1 database to the latest with its data intact, and are idempotent", async () => {
    const name = uniqueVaultName("migup");
    const tenantId = crypto.randomUUID();
    const principalId = crypto.randomUUID();
    await runInDurableObject(vaultStub(name), async (_instance, state) => {
      const sql = state.storage.sql;
      dropEverything(sql);
      expect(migrate(state.storage, VAULT_MIGRATIONS.slice(0, 1))).toBe(1);
      expect(versions(sql)).toStrictEqual([1]);
      expect(indexExists(sql, PURGE_INDEX)).toBe(false);

      const seeded = await seedAtVersion1(sql, name, tenantId, principalId);

      expect(migrate(state.storage, VAULT_MIGRATIONS)).toBe(VAULT_MIGRATIONS.length - 1);
      expect(versions(sql)).toStrictEqual(ALL_VERSIONS);
      const recorded = sql.exec<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version").toArray();
      expect(recorded.map((r) => r.name)).toStrictEqual(VAULT_MIGRATIONS.map((m) => m.name));
      expect(indexExists(sql, PURGE_INDEX)).toBe(true);

      // The data written under schema 1 reads back through the repositories.
      const loaded = new VaultRepository(sql).load();
      expect(loaded?.config).toStrictEqual(seeded.config);
      expect(loaded?.dataKey.wrapped).toStrictEqual(new Uint8Array(seeded.wrappedDek));
      // Migration 0021: a data key made before root-key rotation existed is under ROOT_KEY, version 1.
      expect(loaded?.dataKey.rootVersion).toBe(1);
      const dataKey = await DataKey.unwrap(await rootKeyFromEnv(env.ROOT_KEY), `vault|${tenantId}|${name}`, loaded?.dataKey.wrapped ?? new Uint8Array());
      const objects = new ObjectRepository(sql);
      for (const s of seeded.versions) {
        const key = s.name.toLowerCase();
        const stored = objects.versionWithState("secret", key, s.version)?.latest;
        expect(stored, s.version).not.toBeNull();
        expect(stored).toMatchObject({ name: s.name, seq: s.seq, contentType: "text/plain", tags: { era: "v1" } });
        const plain = await dataKey.open(stored?.sealedValue ?? new Uint8Array(), valueAad(seeded.config, "secret", key, s.version));
        expect(new TextDecoder().decode(plain)).toBe(s.value);
      }
      expect(objects.versionWithState("secret", "db-pass", undefined)?.latest.version).toBe(seeded.versions[1]?.version);
      expect(objects.allVersions("secret", "db-pass").map((v) => v.seq)).toStrictEqual([1, 2]);
      expect(objects.namesPage("secret", false, "", 10, Date.now()).map((n) => n.state.name)).toStrictEqual(["Api-Key", "db-pass"]);
      expect(objects.findName("secret", seeded.deletedName)).toStrictEqual({ name: "gone", deletedAt: 3_999_000_000, scheduledPurgeAt: seeded.purgeAt, settlesAt: null });
      expect(objects.earliestScheduledPurge()).toBe(seeded.purgeAt);
      expect(objects.duePurges(seeded.purgeAt)).toStrictEqual([{ kind: "secret", key: "gone" }]);
      expect(new RoleAssignmentRepository(sql).forPrincipal(principalId)).toHaveLength(1);

      // The new index is what the purge alarm's query uses.
      const plan = sql
        .exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT MIN(scheduled_purge_at) AS t FROM objects WHERE scheduled_purge_at IS NOT NULL")
        .toArray()
        .map((r) => r.detail)
        .join(" | ");
      expect(plan).toContain(PURGE_INDEX);

      // Running again applies nothing and changes nothing.
      expect(migrate(state.storage, VAULT_MIGRATIONS)).toBe(0);
      expect(migrate(state.storage, [...VAULT_MIGRATIONS].reverse())).toBe(0);
      expect(versions(sql)).toStrictEqual(ALL_VERSIONS);
      expect(objects.allVersions("secret", "db-pass")).toHaveLength(2);
    });
  });

  it("a vault object restarted on a version-1 database upgrades itself and serves the old data", async () => {
    const name = uniqueVaultName("migrst");
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId);
    let seeded: Seeded | undefined;
    await runInDurableObject(vaultStub(name), async (_instance, state) => {
      dropEverything(state.storage.sql);
      migrate(state.storage, VAULT_MIGRATIONS.slice(0, 1));
      seeded = await seedAtVersion1(state.storage.sql, name, tenantId, mi.id);
    });
    // Restart the object: its constructor must migrate to the latest schema before serving.
    await expect(
      runInDurableObject(vaultStub(name), (_instance, state) => {
        state.abort("restart for the migration test");
      }),
    ).rejects.toThrow();

    const kv = vaultClient(name, await tokenFor(mi.identityHeader as string));
    const latest = await kv.json<{ value: string; id: string }>("GET", "/secrets/db-pass/");
    expect(latest.status).toBe(200);
    expect(latest.body.value).toBe("old-schema-value-2");
    const first = await kv.json<{ value: string }>("GET", `/secrets/db-pass/${seeded?.versions[0]?.version ?? ""}`);
    expect(first.body.value).toBe("old-schema-value-1");
    expect((await kv.json("GET", "/deletedsecrets/gone")).status).toBe(200);
    await runInDurableObject(vaultStub(name), (_instance, state) => {
      expect(versions(state.storage.sql)).toStrictEqual(ALL_VERSIONS);
    });
  });

  it("a failing migration leaves nothing behind: not its tables, not its bookkeeping row", async () => {
    await runInDurableObject(vaultStub(uniqueVaultName("migbad")), (_instance, state) => {
      const broken = { version: NEXT_VERSION, name: "broken", sql: "CREATE TABLE probe_table (a INTEGER); INSERT INTO no_such_table VALUES (1);" };
      expect(() => migrate(state.storage, [...VAULT_MIGRATIONS, broken])).toThrow();
      expect(versions(state.storage.sql)).toStrictEqual(ALL_VERSIONS);
      expect(userTables(state.storage.sql)).not.toContain("probe_table");
      // A fixed version of it then applies.
      expect(migrate(state.storage, [...VAULT_MIGRATIONS, { ...broken, sql: "CREATE TABLE probe_table (a INTEGER);" }])).toBe(1);
      expect(versions(state.storage.sql)).toStrictEqual([...ALL_VERSIONS, NEXT_VERSION]);
    });
  });

  it("applies pending migrations in version order, whatever order they are given in", async () => {
    await runInDurableObject(vaultStub(uniqueVaultName("migord")), (_instance, state) => {
      const sql = state.storage.sql;
      dropEverything(sql);
      expect(migrate(state.storage, [...VAULT_MIGRATIONS].reverse())).toBe(VAULT_MIGRATIONS.length);
      expect(versions(sql)).toStrictEqual(ALL_VERSIONS);
      expect(indexExists(sql, PURGE_INDEX)).toBe(true);
    });
  });
});

describe("tenant and registry migrations", () => {
  it("new objects are at their latest schema", async () => {
    await runInDurableObject(env.TENANT.get(env.TENANT.idFromName(crypto.randomUUID())), (_instance, state) => {
      expect(versions(state.storage.sql)).toStrictEqual(TENANT_MIGRATIONS.map((m) => m.version));
      expect(userTables(state.storage.sql)).toEqual(expect.arrayContaining(["tenant", "principals", "signing_keys", "vaults"]));
    });
    await runInDurableObject(env.REGISTRY.get(env.REGISTRY.idFromName("registry")), (_instance, state) => {
      expect(versions(state.storage.sql)).toStrictEqual(REGISTRY_MIGRATIONS.map((m) => m.version));
      expect(userTables(state.storage.sql)).toEqual(expect.arrayContaining(["tenants", "vault_names", "settings"]));
    });
  });
});
