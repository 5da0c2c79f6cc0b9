import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { operationRows, renderApiVersionsDoc } from "./api-versions-table.ts";
import { vaultApp } from "../../worker/app.ts";
import { NEEDS_HARDWARE } from "../../worker/routes/key-operations.ts";
import { ROUTES_ADDED } from "../../worker/wire/api-version.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

/** docs/api-versions.md is generated from the route table (./api-versions-table.ts), never edited by hand. */
describe("docs/api-versions.md", () => {
  it("is what `npm run docs:api-versions` writes from the code", async () => {
    const committed = readFileSync(resolve(ROOT, "docs/api-versions.md"), "utf8");
    // On failure: run `npm run docs:api-versions` and commit the result.
    expect(committed).toBe(await renderApiVersionsDoc());
  });

  it("has a row for every data-plane route, each declaring its operation first", async () => {
    const routes = new Set(vaultApp.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`));
    const listed = (await operationRows()).flatMap((row) => row.routes.map((r) => `${r.method} ${r.path}`));
    expect(new Set(listed)).toStrictEqual(routes);
    expect(listed.length).toBe(routes.size);
  });
});

describe("the api-version catalogue against the route table", () => {
  const routes = new Set(vaultApp.routes.map((r) => `${r.method} ${r.path}`));

  it("names only routes that exist (a renamed route cannot leave its minimum version behind)", () => {
    expect(Object.keys(ROUTES_ADDED).filter((key) => !routes.has(key))).toStrictEqual([]);
  });

  it("serves each operation that needs hardware, with and without a version in its path", () => {
    for (const { op } of Object.values(NEEDS_HARDWARE)) {
      expect(routes.has(`POST /keys/:name/:version/${op}`), op).toBe(true);
      expect(routes.has(`POST /keys/:name/${op}`), op).toBe(true);
    }
  });
});
