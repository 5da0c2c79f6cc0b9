/**
 * Shell completion as a person meets it: `source <(kv completion bash|zsh)` in a real shell in a terminal (tmux),
 * then TAB. bash starts without rc files and zsh with -f, so nothing but the script sets completion up. Each line
 * is completed with TAB twice — a command word (`kv sec` → `kv secret `), then an option after other options
 * (`--na` → `--name `) — and run with `--help`: the help of `kv secret show` appears only if both completions wrote
 * exactly what was meant.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KV_BIN, KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { TmuxShell } from "./support/tmux.ts";

const kv = new Kv();

/** A `kv` on the PATH, as `npm link` gives a person. */
function pathWithKv(): string {
  const bin = join(kv.configDir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "kv"), `#!/bin/sh\nexec "${process.execPath}" "${KV_BIN}" "$@"\n`);
  chmodSync(join(bin, "kv"), 0o755);
  return `${bin}:${process.env.PATH ?? ""}`;
}

describe.each([
  ["bash", "bash --noprofile --norc"],
  ["zsh", "zsh -f"],
])("kv completion %s in a terminal", (shell, command) => {
  it("completes a command word and an option with TAB", async () => {
    const terminal = new TmuxShell(command, kv.env({ PATH: pathWithKv() }));
    try {
      // The marker is computed, so the typed line itself never matches it.
      terminal.send(`source <(kv completion ${shell}) && echo completion-$((40 + 2))`, "Enter");
      await terminal.waitFor("the script sourced", /^completion-42$/m);

      terminal.send("kv sec", "Tab");
      terminal.send("show --vault-name dev --na", "Tab");
      terminal.send("x --help", "Enter");
      await terminal.waitFor("the completed command's help", /^Examples\n {4}kv secret show /m);
      expect(terminal.screen()).toContain("kv secret show --vault-name dev --name x --help");
      expect(terminal.screen()).toContain("kv secret show : Get a specified secret from a vault.");

      // Only the subcommands of the group typed so far, listed when TAB has more than one answer.
      terminal.send("clear", "Enter");
      terminal.send("kv key rotation-policy ", "Tab", "Tab");
      await terminal.waitFor("the group's subcommands", /^show\s+update\s*$/m);
    } finally {
      terminal.close();
    }
  }, KV_TEST_TIMEOUT_MS);
});
