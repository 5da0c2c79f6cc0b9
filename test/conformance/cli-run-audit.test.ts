/**
 * `kv run` (secrets into a child's environment, never to disk; the child's exit code; signals forwarded),
 * `kv audit tail` following the vault's audit log, and the bash completion function (in a terminal: cli-completion;
 * help: cli-help).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { KV_TEST_TIMEOUT_MS, Kv, collect } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const kv = new Kv();
const PRINT_ENV = "process.stdout.write(JSON.stringify({ a: process.env.APP_A, b: process.env.APP_B }))";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("kv run, audit tail and completion", () => {
  const first = uniqueName("run-a");
  const second = uniqueName("run-b");

  beforeAll(async () => {
    await kv.json(["login", "--identity"]);
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", first, "--value", "alpha value"]);
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", second, "--value", "beta value"]);
  }, KV_TEST_TIMEOUT_MS);

  it("puts secrets in the child's environment (from --env and --env-file) and nowhere on disk", async () => {
    const map = join(kv.configDir, "env.map");
    writeFileSync(map, `# the second one\nAPP_B=${second}\n`);
    const result = await kv.run(["run", "--vault", "dev", "--env", `APP_A=${first}`, "--env-file", map, "--", process.execPath, "-e", PRINT_ENV]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toStrictEqual({ a: "alpha value", b: "beta value" });
    for (const file of filesUnder(kv.configDir)) expect(readFileSync(file, "utf8")).not.toContain("value");
  }, KV_TEST_TIMEOUT_MS);

  it("exits with the child's code, and runs no child when a secret is missing", async () => {
    const failed = await kv.run(["run", "--vault", "dev", "--env", `APP_A=${first}`, "--", process.execPath, "-e", "process.exit(7)"]);
    expect(failed.code).toBe(7);
    const missing = await kv.run(["run", "--vault", "dev", "--env", "APP_A=no-such-secret", "--", process.execPath, "-e", "console.log('ran')"]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^ERROR: \(SecretNotFound\) /);
    const noCommand = await kv.run(["run", "--vault", "dev", "--env", `APP_A=${first}`]);
    expect(noCommand.code).toBe(2);
  }, KV_TEST_TIMEOUT_MS);

  it("forwards SIGTERM to the child and exits with what the child does about it", async () => {
    const script = "process.on('SIGTERM', () => { process.stdout.write('child got SIGTERM'); process.exit(42); }); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);";
    const child = kv.spawn(["run", "--vault", "dev", "--env", `APP_A=${first}`, "--", process.execPath, "-e", script]);
    const done = collect(child);
    await new Promise<void>((resolve) => child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve()));
    child.kill("SIGTERM");
    const result = await done;
    expect(result.stdout).toBe("ready\nchild got SIGTERM");
    expect(result.code).toBe(42);
  }, KV_TEST_TIMEOUT_MS);

  it("waits out 429s as Retry-After asks, quietly in a pipe, and the calls complete", async () => {
    // The operator in a config directory of its own, so the identity stays this file's default profile.
    const operator = new Kv();
    await operator.json(["login", `--operator-key=${facts.operatorKey}`, "--endpoint", facts.origin, "--tenant", facts.tenantId]);
    const vault = uniqueName("thr").slice(0, 24);
    await operator.json(["admin", "vault", "create", "--name", vault]);
    await operator.json(["admin", "assignment", "create", "--vault", vault, "--role", "Key Vault Administrator", "--assignee", facts.principalId]);
    const vaultUrl = `https://${vault}.vault.localhost:${facts.port}`;
    for (const name of ["a", "b", "c"]) await kv.json(["secret", "set", "--vault-url", vaultUrl, "-n", name, "--value", `v${name}`]);
    await operator.json(["admin", "vault", "settings", "update", "--name", vault, "--set", 'throttleLimits={"secrets":1}']);

    const since = new Date().toISOString();
    // One process, three reads in a row: past the first, each waits for the window the 429 names.
    const result = await kv.run(["run", "--vault-url", vaultUrl, "--env", "APP_A=a", "--env", "APP_B=b", "--env", "APP_C=c", "--", process.execPath, "-e", "process.stdout.write([process.env.APP_A, process.env.APP_B, process.env.APP_C].join())"]);
    expect(result).toMatchObject({ code: 0, stdout: "va,vb,vc", stderr: "" });
    const throttled = await kv.run(["audit", "tail", "--vault-url", vaultUrl, "--since", since, "--result", "Throttled", "--max-events", "1"]);
    expect(JSON.parse(throttled.stdout)).toMatchObject({ operationName: "SecretGet", resultCode: "Throttled", httpStatusCode: 429 });
  }, KV_TEST_TIMEOUT_MS);

  it("tails the vault's audit log: records arrive in order as they are written, each once across overlapping polls", async () => {
    const name = uniqueName("tail");
    const since = new Date().toISOString();
    const tail = kv.spawn(["audit", "tail", "--vault-name", "dev", "--since", since, "--object-name", name, "--interval", "1", "--max-events", "2"]);
    const done = collect(tail);
    // Whether a write lands before the tail's first poll or after it, the tail must print it exactly once.
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--value", "x"]);
    await kv.json(["secret", "show", "--vault-name", "dev", "-n", name]);
    const result = await done;
    expect(result.code).toBe(0);
    const records = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { operationName: string; object: { name: string }; vaultName: string });
    expect(records.map((r) => r.operationName)).toStrictEqual(["SecretSet", "SecretGet"]);
    expect(records.every((r) => r.object.name === name && r.vaultName === "dev")).toBe(true);
  }, KV_TEST_TIMEOUT_MS);

  it("completes command words and options in bash", async () => {
    const script = join(kv.configDir, "kv.bash");
    writeFileSync(script, (await kv.run(["completion", "bash"])).stdout);
    const complete = (words: string) =>
      execFileSync("bash", ["-c", `source ${script}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _kv_complete; echo "\${COMPREPLY[*]}"`], { encoding: "utf8" }).trim();
    expect(complete("kv secret li")).toBe("list list-deleted list-versions");
    expect(complete("kv key rotation-policy ''")).toBe("show update");
    expect(complete("kv secret show --vault-")).toBe("--vault-name --vault-url");
    // After other options the command is still the words before the first option; no subcommands there.
    expect(complete("kv secret show --vault-name dev --na")).toBe("--name");
    expect(complete("kv key --vault-name dev ''")).toBe("");
  }, KV_TEST_TIMEOUT_MS);
});
