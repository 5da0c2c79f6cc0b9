import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureDevVars, isWellFormedRootKey } from "../../../scripts/dev/dev-vars.ts";

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-vars-"));
  path = join(dir, ".dev.vars");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ensureDevVars", () => {
  it("creates the three values with the right encodings, owner-only", async () => {
    const result = await ensureDevVars(path);
    expect(result.outcome).toBe("created");
    expect(isWellFormedRootKey(result.vars.ROOT_KEY)).toBe(true);
    expect(result.vars.OPERATOR_KEY).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(result.vars.OPERATOR_KEY, "base64url")).toHaveLength(32);
    expect(result.vars.LOCAL_IMDS).toBe("true");
    expect(await readFile(path, "utf8")).toBe(
      `ROOT_KEY=${result.vars.ROOT_KEY}\nOPERATOR_KEY=${result.vars.OPERATOR_KEY}\nLOCAL_IMDS=true\n`,
    );
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("reuses a complete file without rewriting it", async () => {
    const created = await ensureDevVars(path);
    const before = await stat(path);
    const again = await ensureDevVars(path);
    expect(again).toEqual({ vars: created.vars, outcome: "reused", changedKeys: [] });
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
  });

  it("never replaces an existing ROOT_KEY and keeps the developer's own lines", async () => {
    const rootKey = Buffer.alloc(32, 7).toString("base64");
    await writeFile(path, `# mine\nROOT_KEY="${rootKey}"\nCUSTOM=1\nLOCAL_IMDS=false\n`);
    const result = await ensureDevVars(path);
    expect(result.outcome).toBe("updated");
    expect(result.vars.ROOT_KEY).toBe(rootKey);
    expect(result.changedKeys).toEqual(["OPERATOR_KEY", "LOCAL_IMDS"]);
    expect(await readFile(path, "utf8")).toBe(
      `# mine\nROOT_KEY="${rootKey}"\nCUSTOM=1\nLOCAL_IMDS=true\nOPERATOR_KEY=${result.vars.OPERATOR_KEY}\n`,
    );
  });
});

describe("isWellFormedRootKey", () => {
  it("accepts base64 of 32 bytes only", () => {
    expect(isWellFormedRootKey(Buffer.alloc(32).toString("base64"))).toBe(true);
    expect(isWellFormedRootKey(Buffer.alloc(16).toString("base64"))).toBe(false);
    expect(isWellFormedRootKey(Buffer.alloc(32).toString("base64url"))).toBe(false);
  });
});
