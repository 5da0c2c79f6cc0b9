/**
 * The tag index behind filtered lists (migrations/vault/0010_object_tag_index.sql, durable-objects/storage/
 * object-tag-index.ts): the migration backfills it from each name's latest version with the data of an older schema
 * intact, the repository keeps it in step, and a filtered page is an index range in name order (no sort, no scan).
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { NameFilter } from "../../core/contract/common.ts";
import type { ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { VAULT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { namesPage } from "../../durable-objects/storage/object-name-pages.ts";
import { ObjectRepository } from "../../durable-objects/storage/object-repository.ts";
import { uniqueVaultName } from "../support/fixture.ts";
import { userTables } from "../support/storage.ts";

const vaultStub = (name: string) => env.VAULT.get(env.VAULT.idFromName(name.toLowerCase()));
const TAG_MIGRATION = VAULT_MIGRATIONS.findIndex((m) => m.name === "object_tag_index");

function dropEverything(sql: SqlStorage): void {
  const tables = userTables(sql).sort((a, b) => Number(b === "object_versions") - Number(a === "object_versions"));
  for (const table of tables) sql.exec(`DROP TABLE "${table}"`);
}

type Row = { kind: string; name_key: string; tag: string; value: string };
const indexRows = (sql: SqlStorage): Row[] =>
  sql.exec<Row>("SELECT kind, name_key, tag, value FROM object_tags ORDER BY kind, name_key, tag").toArray();

/** Writes a name and its versions as the schema before 0010 held them, tags as stored text (or NULL). */
function seedName(sql: SqlStorage, kind: string, name: string, tagsBySeq: (string | null)[], deletedAt: number | null = null): void {
  sql.exec("INSERT INTO objects (kind, name_key, name, deleted_at, scheduled_purge_at) VALUES (?, ?, ?, ?, ?)", kind, name.toLowerCase(), name, deletedAt, deletedAt === null ? null : deletedAt + 86_400);
  for (const [i, tags] of tagsBySeq.entries()) {
    sql.exec(
      "INSERT INTO object_versions (kind, name_key, version, seq, enabled, created, updated, tags, managed, sealed_value) VALUES (?, ?, ?, ?, 1, 1, 1, ?, 0, ?)",
      kind,
      name.toLowerCase(),
      crypto.randomUUID().replace(/-/g, ""),
      i + 1,
      tags,
      new Uint8Array([1, 2, 3]),
    );
  }
}

const version = (name: string, seq: number, tags?: Record<string, string>): StoredVersion => ({
  name,
  version: crypto.randomUUID().replace(/-/g, ""),
  seq,
  attributes: { enabled: true, created: 1, updated: 1 },
  ...(tags === undefined ? {} : { tags }),
  managed: false,
  sealedValue: new Uint8Array([9]),
});

describe("0010 object_tag_index", () => {
  it("backfills the latest version's string tags of every name, live or deleted, and leaves the old data as it was", async () => {
    await runInDurableObject(vaultStub(uniqueVaultName("mtag")), (_instance, state) => {
      const sql = state.storage.sql;
      dropEverything(sql);
      expect(migrate(state.storage, VAULT_MIGRATIONS.slice(0, TAG_MIGRATION))).toBe(TAG_MIGRATION);
      expect(userTables(sql)).not.toContain("object_tags");

      seedName(sql, "secret", "Db-Pass", [JSON.stringify({ env: "dev" }), JSON.stringify({ env: "prod", team: "Core" })]);
      seedName(sql, "secret", "was-tagged", [JSON.stringify({ env: "prod" }), null]);
      seedName(sql, "secret", "gone", [JSON.stringify({ env: "prod" })], 1_900_000_000);
      seedName(sql, "key", "signer", [JSON.stringify({ env: "prod" })]);
      seedName(sql, "certificate", "web", [JSON.stringify({ env: "prod", n: "1" }), JSON.stringify({ env: "prod" })]);
      // Not what ObjectRepository writes, but must not stop the vault from starting: skipped, not fatal.
      seedName(sql, "secret", "malformed", ["{not json"]);
      seedName(sql, "secret", "array", [JSON.stringify(["env", "prod"])]);
      seedName(sql, "secret", "numbers", [JSON.stringify({ env: "prod", count: 3 })]);
      const before = sql.exec("SELECT * FROM object_versions ORDER BY kind, name_key, seq").toArray();

      expect(migrate(state.storage, VAULT_MIGRATIONS)).toBe(VAULT_MIGRATIONS.length - TAG_MIGRATION);
      expect(indexRows(sql)).toStrictEqual([
        { kind: "certificate", name_key: "web", tag: "env", value: "prod" },
        { kind: "key", name_key: "signer", tag: "env", value: "prod" },
        { kind: "secret", name_key: "db-pass", tag: "env", value: "prod" },
        { kind: "secret", name_key: "db-pass", tag: "team", value: "Core" },
        { kind: "secret", name_key: "gone", tag: "env", value: "prod" },
        { kind: "secret", name_key: "numbers", tag: "env", value: "prod" },
      ]);
      expect(sql.exec("SELECT * FROM object_versions ORDER BY kind, name_key, seq").toArray()).toStrictEqual(before);

      // The backfilled index serves the repository's filtered pages at once.
      const objects = new ObjectRepository(sql);
      const page = (kind: ObjectKind, deleted: boolean, filter: NameFilter) =>
        objects.namesPage(kind, deleted, "", 10, Date.now(), filter).map((r) => r.state.name);
      expect(page("secret", false, { tag: { name: "env", value: "prod" } })).toStrictEqual(["Db-Pass", "numbers"]);
      expect(page("secret", true, { tag: { name: "env", value: "prod" } })).toStrictEqual(["gone"]);
      expect(page("secret", false, { tag: { name: "team", value: "core" } })).toStrictEqual([]);
      expect(page("secret", false, { namePrefix: "db", tag: { name: "team", value: "Core" } })).toStrictEqual(["Db-Pass"]);
      expect(page("secret", false, { namePrefix: "w" })).toStrictEqual(["was-tagged"]);
      expect(page("key", false, { tag: { name: "env", value: "prod" } })).toStrictEqual(["signer"]);
    });
  });

  it("the repository re-derives a name's rows on every version write, whatever the order, and purge removes them", async () => {
    await runInDurableObject(vaultStub(uniqueVaultName("mtag")), (_instance, state) => {
      const sql = state.storage.sql;
      const objects = new ObjectRepository(sql);
      objects.insertName("secret", "r", "r");
      // A restore writes versions as the backup lists them; the index takes the highest seq, not the last written.
      const newest = version("r", 2, { env: "prod" });
      objects.insertVersion("secret", "r", newest);
      const older = version("r", 1, { env: "dev" });
      objects.insertVersion("secret", "r", older);
      expect(indexRows(sql)).toStrictEqual([{ kind: "secret", name_key: "r", tag: "env", value: "prod" }]);
      objects.updateMetadata("secret", "r", { ...older, tags: { env: "test" } });
      expect(indexRows(sql)).toStrictEqual([{ kind: "secret", name_key: "r", tag: "env", value: "prod" }]);
      objects.updateMetadata("secret", "r", { ...newest, tags: { owner: "me" } });
      expect(indexRows(sql)).toStrictEqual([{ kind: "secret", name_key: "r", tag: "owner", value: "me" }]);
      objects.updateMetadata("secret", "r", { ...newest, tags: {} });
      expect(indexRows(sql)).toStrictEqual([]);
      objects.insertVersion("secret", "r", version("r", 3, { a: "1", b: "2" }));
      expect(indexRows(sql).map((r) => r.tag)).toStrictEqual(["a", "b"]);
      objects.markDeleted("secret", "r", 1, 2, null);
      expect(indexRows(sql)).toHaveLength(2);
      objects.purge("secret", "r");
      expect(indexRows(sql)).toStrictEqual([]);
    });
  });

  it("a filtered page is a walk of an index in name order: no temporary sort, no scan of the kind's names", async () => {
    await runInDurableObject(vaultStub(uniqueVaultName("mtag")), (_instance, state) => {
      const sql = state.storage.sql;
      const seen: { query: string; params: SqlStorageValue[] }[] = [];
      const recording = {
        exec: (query: string, ...params: SqlStorageValue[]) => {
          seen.push({ query, params });
          return sql.exec(query, ...params);
        },
      } as unknown as SqlStorage;
      const plan = (filter: NameFilter | undefined): string => {
        seen.length = 0;
        namesPage(recording, { kind: "secret", deleted: false, afterKey: "", limit: 26, nowMs: Date.now(), filter });
        const { query, params } = seen[0] as { query: string; params: SqlStorageValue[] };
        return sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...params)
          .toArray()
          .map((r) => r.detail)
          .join(" | ");
      };
      const tagPlan = plan({ tag: { name: "env", value: "prod" } });
      expect(tagPlan).toMatch(/SEARCH t USING (COVERING )?INDEX object_tags_by_value \(kind=\? AND tag=\? AND value=\? AND name_key>\?\)/);
      expect(tagPlan).toMatch(/SEARCH o USING INDEX sqlite_autoindex_objects_1 \(kind=\? AND name_key=\?\)/);
      expect(tagPlan).not.toContain("TEMP B-TREE");
      const bothPlan = plan({ namePrefix: "app-", tag: { name: "env", value: "prod" } });
      expect(bothPlan).toMatch(/SEARCH t USING (COVERING )?INDEX object_tags_by_value \(kind=\? AND tag=\? AND value=\? AND name_key>\? AND name_key<\?\)/);
      expect(bothPlan).not.toContain("TEMP B-TREE");
      const prefixPlan = plan({ namePrefix: "app-" });
      expect(prefixPlan).toMatch(/SEARCH o USING INDEX sqlite_autoindex_objects_1 \(kind=\? AND name_key>\? AND name_key<\?\)/);
      expect(prefixPlan).not.toContain("TEMP B-TREE");
      expect(plan(undefined)).not.toContain("TEMP B-TREE");
    });
  });
});
