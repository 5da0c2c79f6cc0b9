import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DirectMaterial } from "./hsm-direct.ts";
import type { FromDirectProcess, ToDirectProcess } from "./hsm-direct-messages.ts";
import { directRate, type DirectCount, type DirectRate } from "./hsm-direct-rate.ts";

const WORKER = fileURLToPath(new URL("./hsm-direct-worker.ts", import.meta.url));
/** A direct process that does not exit this long after being told to close is killed. */
const CLOSE_GRACE_MS = 5_000;

/**
 * The direct side shaped like the bridge: as many processes as it has workers, each with its own module instance and
 * as many sessions as each of its workers. One process would not match a bridge of several: signing scales with
 * processes, not only with sessions (docs/decisions.md §4.3: RSA-2048 ~840/s in one, ~1,700/s in two).
 */
export class DirectProcesses {
  private constructor(
    private readonly children: readonly ChildProcess[],
    /** The PKCS#11 calls of each case, in HSM_CASES order. */
    readonly descriptions: readonly string[],
  ) {}

  static async start(count: number, bridgeDir: string, materials: readonly DirectMaterial[], callers: number): Promise<DirectProcesses> {
    const children = Array.from({ length: count }, () =>
      fork(WORKER, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    try {
      const answers = await Promise.all(children.map((child) => ask(child, { kind: "prepare", bridgeDir, materials, callers })));
      const first = answers[0];
      if (first?.kind !== "ready") throw new Error("a direct process did not get ready");
      return new DirectProcesses(children, first.descriptions);
    } catch (error) {
      await Promise.all(children.map(close));
      throw error;
    }
  }

  /** All processes run case `index` at once, each with its own warm-up and deadline. */
  async rate(index: number, warmupSeconds: number, seconds: number): Promise<DirectRate> {
    const answers = await Promise.all(this.children.map((child) => ask(child, { kind: "count", index, warmupSeconds, seconds })));
    return directRate(answers.map(countOf));
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map(close));
  }
}

function countOf(answer: FromDirectProcess): DirectCount {
  if (answer.kind !== "count") throw new Error(`a direct process answered ${answer.kind} to count`);
  return answer;
}

/** One request to one process, which handles one at a time; a failure or an exit rejects. */
function ask(child: ChildProcess, message: ToDirectProcess): Promise<FromDirectProcess> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.reject(new Error(`direct process ${child.pid ?? "?"} is gone (${child.exitCode ?? child.signalCode ?? "?"})`));
  }
  return new Promise((resolve, reject) => {
    const onMessage = (reply: FromDirectProcess) => {
      done();
      if (reply.kind === "failed") reject(new Error(`direct process ${child.pid ?? "?"}: ${reply.message}`));
      else resolve(reply);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      done();
      reject(new Error(`direct process ${child.pid ?? "?"} exited (${code ?? signal ?? "?"})`));
    };
    const done = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.send(message, (error) => {
      if (error === null) return;
      done();
      reject(error);
    });
  });
}

async function close(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const closing: ToDirectProcess = { kind: "close" };
  if (child.connected) child.send(closing);
  else child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), CLOSE_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
