/**
 * Runs the bridge the documented way (`node --import tsx wasm-hsm/bridge/main.ts --config …`) as a child process
 * and waits for its "listening" line. Used by the global setup and by the restart test, which stops one and starts
 * another on the same token.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./token-dir.ts";

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export interface BridgeProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal) once the process ends, however it ends. */
  readonly exited: Promise<string>;
  /** What the bridge wrote to stderr (its JSON log lines). */
  log(): string;
  stop(): Promise<void>;
}

export async function startBridgeProcess(configPath: string): Promise<BridgeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "wasm-hsm/bridge/main.ts"), "--config", configPath], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.on("error", () => undefined);
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
  });
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(`${code ?? signal}`)));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bridge did not start within ${START_TIMEOUT_MS} ms:\n${stderr}`)), START_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = stdout.split("\n").find((candidate) => candidate.includes('"listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`bridge exited (${how}) before listening:\n${stderr}`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid ?? -1,
    exited,
    log: () => stderr,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        process.removeListener("exit", killOnExit);
      })();
      return stopping;
    },
  };
}
