import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { OutputTail } from "./output-tail.ts";

export interface WranglerOptions {
  readonly root: string;
  readonly port: number;
  readonly keyPath: string;
  readonly certPath: string;
  readonly persistTo: string;
  readonly logPath: string;
  /** Bindings passed as `--var KEY:VALUE` (wrangler splits at the first colon, so values may contain colons). */
  readonly vars: Readonly<Record<string, string>>;
  /** Mirror wrangler's output on this process's stdout/stderr. */
  readonly forwardOutput: boolean;
}

export interface WranglerProcess {
  readonly pid: number;
  /** Last lines wrangler printed, for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once wrangler has exited. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

export function startWrangler(options: WranglerOptions): WranglerProcess {
  const args = [
    "dev",
    "--local-protocol", "https",
    "--https-key-path", options.keyPath,
    "--https-cert-path", options.certPath,
    "--ip", "::",
    "--port", String(options.port),
    "--persist-to", options.persistTo,
    "--show-interactive-dev-session=false",
    ...Object.entries(options.vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ];
  const binary = join(options.root, "node_modules", ".bin", "wrangler");
  const child = spawn(binary, args, {
    cwd: options.root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stopping it also stops the workerd it spawns, and a Ctrl-C in the terminal
    // reaches only us: we then stop wrangler in order instead of racing it.
    detached: true,
  });
  // Spawn failures (no such binary) also arrive as an 'error' event; unheard, it would crash the process.
  child.on("error", () => undefined);
  if (child.pid === undefined) {
    throw new Error(`could not start ${binary}; is wrangler installed (npm install)?`);
  }
  const pid = child.pid;

  const tail = new OutputTail();
  const log = createWriteStream(options.logPath, { flags: "a" });
  // The header names the --var keys but not their values: some of them are secrets.
  const shownArgs = args.map((arg, index) => (args[index - 1] === "--var" ? `${arg.split(":")[0]}:…` : arg));
  log.write(`\n--- wrangler ${shownArgs.join(" ")} (${new Date().toISOString()}) ---\n`);
  const capture = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    tail.push(text);
    log.write(text);
    if (options.forwardOutput) target.write(text);
  };
  child.stdout?.on("data", capture(process.stdout));
  child.stderr?.on("data", capture(process.stderr));

  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      log.end();
      resolve(signal === null ? `exit code ${code ?? "unknown"}` : `signal ${signal}`);
    });
  });
  // Even if the caller crashes before calling stop(), don't leave a server holding the port behind.
  const killOnExit = () => killGroup(pid, "SIGKILL");
  process.once("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  return {
    pid,
    output: () => tail.text(),
    exited,
    stop() {
      stopping ??= stopChild(child, pid, exited).finally(() => process.removeListener("exit", killOnExit));
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess, pid: number, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  killGroup(pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), STOP_GRACE_MS);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    killGroup(pid, "SIGKILL");
    await exited;
  }
  // workerd may outlive wrangler by a moment; make sure nothing of the group stays behind.
  killGroup(pid, "SIGKILL");
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
