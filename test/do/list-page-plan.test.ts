/**
 * A list page is a walk of the names index that stops at its limit, each name joined to its latest version by one
 * index lookup (durable-objects/storage/object-name-pages.ts, object-rows.ts LATEST_JOIN). Asserted on SQLite's own
 * query plan, as workerd runs it: a plan that walks versions by a name range instead costs a page at 100,000 names
 * hundreds of times more (the list bench found 0.35 s a page), and no functional test would notice.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { namesPage, type NamesPageQuery } from "../../durable-objects/storage/object-name-pages.ts";

/** The plan of every statement namesPage runs, beside running it. */
function planOf(sql: SqlStorage, query: NamesPageQuery): string[] {
  const plan: string[] = [];
  const explaining = {
    exec(text: string, ...params: SqlStorageValue[]) {
      for (const row of sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, ...params).toArray()) plan.push(row.detail);
      return sql.exec(text, ...params);
    },
  } as unknown as SqlStorage;
  namesPage(explaining, query);
  return plan;
}

const PAGE: NamesPageQuery = { kind: "secret", deleted: false, afterKey: "m", limit: 25, nowMs: 0 };

describe("a list page's query plan", () => {
  for (const [label, query] of [
    ["no filter", PAGE],
    ["a prefix", { ...PAGE, filter: { namePrefix: "app-" } }],
    ["a tag", { ...PAGE, filter: { tag: { name: "env", value: "prod" } } }],
  ] as const) {
    it(`${label}: walks one index by name and looks each latest version up by name and seq`, async () => {
      const stub = env.VAULT.get(env.VAULT.idFromName(`plan-${crypto.randomUUID()}`));
      const plan = await runInDurableObject(stub, (_instance, state) => planOf(state.storage.sql, query));
      const versions = plan.filter((line) => /^SEARCH v /.test(line));
      expect(versions, plan.join("\n")).toEqual([expect.stringMatching(/\(kind=\? AND name_key=\? AND seq=\?\)/)]);
      expect(plan.some((line) => /^SCAN /.test(line)), plan.join("\n")).toBe(false);
    });
  }
});
