/**
 * `npm run docs:api-versions`: writes docs/api-versions.md from the route table; `-- --check` only compares, and
 * exits 1 when the committed file is stale. The renderer is test/architecture/api-versions-table.ts: it reads the
 * Worker's code, which the tests' tsconfig types and this folder's (Node-only, test/conformance/tsconfig.json) cannot,
 * so it is loaded by a path the Node-side typecheck does not follow.
 */
import { readFileSync, writeFileSync } from "node:fs";

const RENDERER = new URL("../test/architecture/api-versions-table.ts", import.meta.url).href;
const DOC = new URL("../docs/api-versions.md", import.meta.url);

const { renderApiVersionsDoc } = (await import(RENDERER)) as { renderApiVersionsDoc: () => Promise<string> };
const text = await renderApiVersionsDoc();
if (process.argv.includes("--check")) {
  if (readFileSync(DOC, "utf8") !== text) {
    console.error("docs/api-versions.md is stale: run `npm run docs:api-versions`");
    process.exit(1);
  }
  console.log("docs/api-versions.md is current");
} else {
  writeFileSync(DOC, text);
  console.log("wrote docs/api-versions.md");
}
