/**
 * Every table of a migrated vault is a decision for whole-vault snapshots (durable-objects/storage/snapshot-tables.ts):
 * carried, or left out with a reason. A migration that adds a table fails here until it is placed in one list.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SNAPSHOT_EXCLUDED_TABLES, SNAPSHOT_SETTING_COLUMNS, SNAPSHOT_TABLES, vaultTableNames } from "../../durable-objects/storage/snapshot-tables.ts";

describe("the tables a vault snapshot carries", () => {
  it("are every table of the vault's schema but those left out with a reason, and no table is in both lists", async () => {
    const stub = env.VAULT.get(env.VAULT.idFromName("snapshot-tables"));
    const [tables, vaultColumns] = await runInDurableObject(stub, (_i, state) => [
      vaultTableNames(state.storage.sql).sort(),
      state.storage.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('vault')").toArray().map((r) => r.name),
    ]);
    const carried = new Set<string>(SNAPSHOT_TABLES);
    expect(Object.keys(SNAPSHOT_EXCLUDED_TABLES).filter((t) => carried.has(t))).toStrictEqual([]);
    expect(tables).toStrictEqual([...SNAPSHOT_TABLES, ...Object.keys(SNAPSHOT_EXCLUDED_TABLES)].sort());
    for (const column of SNAPSHOT_SETTING_COLUMNS) expect(vaultColumns).toContain(column);
  });
});
