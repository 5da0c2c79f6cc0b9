import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { OutputTail } from "./output-tail.ts";
import { WORKER_HOST_OPTIONS_VARIABLE, type WorkerHostOptions, type WorkerHostReady } from "./worker-host-options.ts";

export interface WranglerOptions extends Omit<WorkerHostOptions, "inspector" | "requestLog"> {
  readonly logPath: string;
  /** Mirror wrangler's output on this process's stdout/stderr. */
  readonly forwardOutput: boolean;
}

export interface WranglerProcess {
  readonly pid: number;
  readonly logPath: string;
  /** Last lines wrangler printed, for error messages. */
  output(): string;
  /** wrangler's port behind the front, once the front listens; rejects if the host exits first. */
  readonly upstreamPort: Promise<number>;
  /** Resolves with the exit code (or signal) once wrangler has exited. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const HOST_SCRIPT = join("scripts", "dev", "worker-host.ts");

/** Runs wrangler's dev server in a child process (worker-host.ts explains why not the `wrangler dev` command). */
export function startWrangler(options: WranglerOptions): WranglerProcess {
  const { logPath, forwardOutput, ...host } = options;
  // Someone watching the output gets one line per request from the front; tests and the bench need none.
  const hostOptions: WorkerHostOptions = { ...host, inspector: process.env.EDGE_VAULT_INSPECTOR === "1", requestLog: forwardOutput };
  const child = spawn(process.execPath, ["--import", "tsx", HOST_SCRIPT], {
    cwd: options.root,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      // wrangler's own per-request log line costs a subrequest from workerd to wrangler's Node process and a
      // console write there (~0.5 ms of CPU per request, measured by `npm run bench`); the front logs requests
      // instead. Warnings, errors and the Worker's console.warn/error still show; WRANGLER_LOG=info brings back
      // the rest.
      WRANGLER_LOG: process.env.WRANGLER_LOG ?? "warn",
      // Miniflare fetches `Request.cf` from workers.cloudflare.com at start and, offline, prints a stack trace as a
      // warning; this Worker reads no `cf` field (the caller's address is CF-Connecting-IP), so the placeholder does.
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      [WORKER_HOST_OPTIONS_VARIABLE]: JSON.stringify(hostOptions),
    },
    // The IPC channel carries the host's one "ready" message (WorkerHostReady).
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // Its own process group, so stopping it also stops the workerd it spawns, and a Ctrl-C in the terminal
    // reaches only us: we then stop wrangler in order instead of racing it.
    detached: true,
  });
  // Spawn failures (no such binary) also arrive as an 'error' event; unheard, it would crash the process.
  child.on("error", () => undefined);
  if (child.pid === undefined) {
    throw new Error(`could not start ${HOST_SCRIPT}`);
  }
  const pid = child.pid;

  const tail = new OutputTail();
  const log = createWriteStream(logPath, { flags: "a" });
  // The header names the bindings but not their values: some of them are secrets.
  const shown = `port ${options.port} on ${options.listen.join(", ")}, inspector ${hostOptions.inspector ? "on" : "off"}, vars ${Object.keys(options.vars).join(", ")}, secrets ${Object.keys(options.secrets).join(", ")}`;
  log.write(`\n--- wrangler dev server (${HOST_SCRIPT}; ${shown}) (${new Date().toISOString()}) ---\n`);
  const capture = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    tail.push(text);
    log.write(text);
    if (forwardOutput) target.write(text);
  };
  child.stdout?.on("data", capture(process.stdout));
  child.stderr?.on("data", capture(process.stderr));

  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      log.end();
      resolve(signal === null ? `exit code ${code ?? "unknown"}` : `signal ${signal}`);
    });
  });
  const upstreamPort = new Promise<number>((resolve, reject) => {
    child.once("message", (message: WorkerHostReady) => resolve(message.upstreamPort));
    void exited.then((how) => reject(new Error(`${HOST_SCRIPT} exited (${how}) before its front listened`)));
  });
  // Read only after a healthy start; a start that failed says why through `exited` and the output.
  upstreamPort.catch(() => undefined);
  // Even if the caller crashes before calling stop(), don't leave a server holding the port behind.
  const killOnExit = () => killGroup(pid, "SIGKILL");
  process.once("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  return {
    pid,
    logPath,
    output: () => tail.text(),
    upstreamPort,
    exited,
    stop() {
      stopping ??= stopChild(child, pid, exited).finally(() => process.removeListener("exit", killOnExit));
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess, pid: number, exited: Promise<string>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
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
  }
  // workerd and esbuild may outlive wrangler: by a moment when stopped, for good when wrangler exited by itself
  // (a failed start leaves them running). Nothing of the group stays behind.
  killGroup(pid, "SIGKILL");
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
