import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Each `kv` is a Node start plus tsx's loader: about a second on an idle machine, several on the shared 2-core
 * one, so a test that runs ten of them gets more than vitest's minute.
 */
export const KV_TEST_TIMEOUT_MS = 240_000;

/** The real `kv` executable of this checkout (package.json "bin"). */
export const KV_BIN = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../bin/kv.mjs");

export interface KvResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `kv` as a user would — a separate process, through its bin — with its own config directory, and none of a
 * developer's KV_* settings leaking in. The test worker's environment already holds what `source .dev/env` gives.
 */
export class Kv {
  readonly configDir = mkdtempSync(join(tmpdir(), "kv-config-"));

  env(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, KV_CONFIG_DIR: this.configDir, ...extra };
    for (const name of ["KV_PROFILE", "KV_OUTPUT", "KV_ENDPOINT", "KV_OPERATOR_KEY", "KV_CA_FILE"]) if (!(name in extra)) delete env[name];
    return env;
  }

  spawn(args: readonly string[], extra: Readonly<Record<string, string>> = {}): ChildProcess {
    return spawn(process.execPath, [KV_BIN, ...args], { env: this.env(extra), stdio: ["ignore", "pipe", "pipe"] });
  }

  run(args: readonly string[], extra: Readonly<Record<string, string>> = {}): Promise<KvResult> {
    const child = this.spawn(args, extra);
    return collect(child);
  }

  /** Runs and expects success, answering the parsed JSON of stdout (or the text when it is not JSON). */
  async json<T = unknown>(args: readonly string[], extra: Readonly<Record<string, string>> = {}): Promise<T> {
    const result = await this.run(args, extra);
    if (result.code !== 0) throw new Error(`kv ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }
}

export function collect(child: ChildProcess): Promise<KvResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}
