import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importsOf, projectImports } from "./import-graph.ts";
import { importCycles, ruleViolations } from "./layering-rules.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const LAYERS = ["core", "worker", "durable-objects", "wasm-hsm", "cli"];

describe("the layering of the source tree (docs/architecture.md)", () => {
  const edges = projectImports(ROOT, LAYERS);

  it("reads the tree's imports", () => expect(edges.length).toBeGreaterThan(500));

  it("has no arrow out of core/, none from durable-objects/ to worker/, and only type arrows from worker/ to durable-objects/", () => {
    expect(ruleViolations(edges)).toStrictEqual([]);
  });

  it("has no import cycle, types included", () => {
    expect(importCycles(edges)).toStrictEqual([]);
  });
});

describe("the checker itself", () => {
  const graph = (files: Record<string, string>) => Object.entries(files).flatMap(([file, text]) => importsOf(file, text));

  it("reads value, type, re-export and dynamic imports, and ignores packages and comments", () => {
    const edges = importsOf("worker/routes/a.ts", [
      'import { x } from "../../core/errors/vault-error.ts";',
      'import type { Y } from "../../durable-objects/vault/vault-object.ts";',
      'export { z } from "./b.ts";',
      'const m = await import("../c.ts");',
      'import { Hono } from "hono";',
      '// import { gone } from "../../durable-objects/old.ts";',
    ].join("\n"));
    expect(edges).toStrictEqual([
      { from: "worker/routes/a.ts", to: "core/errors/vault-error.ts", typeOnly: false },
      { from: "worker/routes/a.ts", to: "durable-objects/vault/vault-object.ts", typeOnly: true },
      { from: "worker/routes/a.ts", to: "worker/routes/b.ts", typeOnly: false },
      { from: "worker/routes/a.ts", to: "worker/c.ts", typeOnly: false },
    ]);
  });

  it("fails when an arrow is added the wrong way", () => {
    const violations = ruleViolations(graph({
      "core/domain/clock.ts": 'import { app } from "../../worker/app.ts";',
      "durable-objects/vault/vault-object.ts": 'import { toErrorResponse } from "../../worker/errors/to-response.ts";',
      "worker/routes/keys.ts": 'import { VaultObject } from "../../durable-objects/vault/vault-object.ts";',
    }));
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/^core imports outside itself/);
    expect(violations[1]).toMatch(/^a Durable Object imports the Worker/);
    expect(violations[2]).toMatch(/^the Worker imports Durable Object code/);
  });

  it("keeps the command line on core/ and the public APIs", () => {
    const violations = ruleViolations(graph({
      "cli/commands/secret.ts": 'import { x } from "../../worker/wire/oauth.ts";\nimport { y } from "../../core/errors/vault-error.ts";',
      "cli/session.ts": 'import type { Z } from "../durable-objects/vault/vault-object.ts";',
      "worker/app.ts": 'import { COMMANDS } from "../cli/registry.ts";',
    }));
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/^the command line imports beyond core\//);
    expect(violations[1]).toMatch(/^the command line imports beyond core\//);
    expect(violations[2]).toMatch(/^the command line is imported/);
  });

  it("allows what the rule allows", () => {
    expect(ruleViolations(graph({
      "worker/routes/keys.ts": 'import type { VaultObject } from "../../durable-objects/vault/vault-object.ts";\nimport { x } from "../../core/crypto/bytes.ts";',
      "worker/index.ts": 'export { VaultObject } from "../durable-objects/vault/vault-object.ts";',
      "durable-objects/vault/vault-object.ts": 'import { x } from "../../core/crypto/bytes.ts";',
    }))).toStrictEqual([]);
  });

  it("finds cycles, type-only ones included", () => {
    const cycles = importCycles(graph({
      "core/contract/a.ts": 'import type { B } from "./b.ts";',
      "core/contract/b.ts": 'import type { A } from "./a.ts";',
      "core/contract/c.ts": 'import type { A } from "./a.ts";',
    }));
    expect(cycles).toStrictEqual([["core/contract/a.ts", "core/contract/b.ts"]]);
  });
});
