/**
 * Help over the whole command tree: every command's `--help` has its summary, every option and an example of that
 * command itself; every group lists exactly its subcommands and subgroups. The tree is walked in-process through the
 * help functions cli/main.ts prints (spawning ~90 CLIs takes minutes on this machine); the real bin is then run for
 * the root, every top-level word, and two deep commands, and must print exactly what the walk checked.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS } from "../../cli/global-options.ts";
import { commandHelp, groupHelp } from "../../cli/help.ts";
import { COMMANDS } from "../../cli/registry.ts";
import { KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";

const kv = new Kv();

/** Every proper prefix of a command path ("" the root): the groups `kv <prefix>` lists. */
const GROUPS = [...new Set(COMMANDS.flatMap((c) => c.path.split(" ").slice(0, -1).map((_, i, words) => words.slice(0, i + 1).join(" "))).concat(""))];

/** The words under `prefix` one level down, as a group's help must list them. */
function childrenOf(prefix: string): string[] {
  const depth = prefix === "" ? 0 : prefix.split(" ").length;
  return [...new Set(COMMANDS.filter((c) => prefix === "" || c.path.startsWith(`${prefix} `)).map((c) => c.path.split(" ")[depth] as string))].sort();
}

describe("kv --help over the command tree", () => {
  it.each(COMMANDS.map((c) => [c.path, c] as const))("kv %s --help shows the summary, every option and an example of the command", (path, command) => {
    const help = commandHelp(command, GLOBAL_OPTIONS);
    expect(help).toContain(`kv ${path} : ${command.summary}`);
    for (const option of Object.keys(command.options)) expect(help).toMatch(new RegExp(`^ {4}--${option}[ \\[]`, "m"));
    const example = /\nExamples\n {4}(.+)\n$/.exec(help)?.[1] ?? "";
    // The example runs the command itself (after a pipeline's or a substitution's start, where it has one).
    expect(example).toMatch(new RegExp(`(^|[ (&|;])kv ${path}( |\\)|$)`));
  });

  it.each(GROUPS.map((g) => [g === "" ? "(root)" : g, g] as const))("kv %s lists exactly its subcommands", (_label, prefix) => {
    const help = groupHelp(COMMANDS, prefix) ?? "";
    const listed = [...help.matchAll(/^ {4}(\S+)\s+: /gm)].map((m) => m[1]).sort();
    expect(listed).toStrictEqual(childrenOf(prefix));
  });

  it("prints through the real bin what the walk checked, for the root, every top-level word and deep commands", async () => {
    const topLevel = childrenOf("");
    const runs = [[], ...topLevel.map((word) => [word]), ["key", "rotation-policy", "update"], ["certificate", "pending", "merge"]];
    for (const words of runs) {
      const result = await kv.run([...words, "--help"]);
      const path = words.join(" ");
      const command = COMMANDS.find((c) => c.path === path);
      const expected = command === undefined ? groupHelp(COMMANDS, path) : commandHelp(command, GLOBAL_OPTIONS);
      expect(result, `kv ${path} --help`).toMatchObject({ code: 0, stdout: expected, stderr: "" });
    }
    // npx finds the bin through package.json, as a checkout's user runs it.
    const npx = execFileSync("npx", ["--no-install", "kv", "key", "sign", "--help"], { encoding: "utf8", env: kv.env() });
    expect(npx).toBe(commandHelp(COMMANDS.find((c) => c.path === "key sign") as (typeof COMMANDS)[number], GLOBAL_OPTIONS));
  }, KV_TEST_TIMEOUT_MS);
});
