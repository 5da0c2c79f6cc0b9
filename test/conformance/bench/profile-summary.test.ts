/**
 * bench/profile-summary.ts: a V8 CPU profile of the bundled Worker, attributed to source modules by esbuild's
 * `// path` lines and divided per request; idle time left out, the runtime's own frames named as V8 names them.
 */
import { describe, expect, it } from "vitest";
import type { CpuProfile } from "../../../bench/profile-inspector.ts";
import { moduleStarts, summarizeProfile } from "../../../bench/profile-summary.ts";

const BUNDLE = [
  "var __defProp = Object.defineProperty;", // line 0: before any module
  "// worker/index.ts",
  "function route() {}",
  "// node_modules/hono/dist/router/trie-router/node.js",
  "function search() {}",
  "var x = 1; // not a marker",
].join("\n");

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber });

/** root → route (worker/index.ts) → search (hono) and exec (SQLite); plus idle. Deltas in µs. */
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)", "", -1), children: [2, 5] },
    { id: 2, callFrame: frame("route", "index.js", 2), children: [3, 4] },
    { id: 3, callFrame: frame("search", "index.js", 4) },
    { id: 4, callFrame: frame("exec", "", -1) },
    { id: 5, callFrame: frame("(idle)", "", -1) },
  ],
  samples: [2, 3, 3, 4, 5, 5],
  timeDeltas: [1000, 2000, 2000, 3000, 50_000, 50_000],
};

describe("profile summary", () => {
  it("finds where each module of the bundle begins", () => {
    expect(moduleStarts(BUNDLE)).toEqual([
      { line: 1, module: "worker/index.ts" },
      { line: 3, module: "node_modules/hono/dist/router/trie-router/node.js" },
    ]);
  });

  it("divides self time per request by module and by function, idle left out", () => {
    const summary = summarizeProfile(PROFILE, BUNDLE, 2);
    expect(summary.busyMsPerRequest).toBe(4);
    expect(summary.byModule).toEqual([
      { name: "node_modules/hono/dist/router/trie-router/node.js", msPerRequest: 2, share: 0.5 },
      { name: "(runtime)", msPerRequest: 1.5, share: 0.375 },
      { name: "worker/index.ts", msPerRequest: 0.5, share: 0.125 },
    ]);
    expect(summary.byFunction.map((row) => row.name)).toEqual([
      "search node_modules/hono/dist/router/trie-router/node.js:5",
      "exec (runtime)",
      "route worker/index.ts:3",
    ]);
  });

  it("keeps only the top rows asked for", () => {
    expect(summarizeProfile(PROFILE, BUNDLE, 1, 1).byFunction).toHaveLength(1);
  });
});
