/**
 * The cluster's primary (one crypto worker per core: RSA signing scales with processes, docs/decisions.md §4.3).
 * It forks `workers` processes that each run the whole bridge (cluster/worker.ts) on one shared listening socket,
 * and keeps the one request memory they all ask (cluster/memory-host.ts), so a replayed nonce or a retried
 * idempotent create is recognised whichever worker it reaches. The primary never loads the PKCS#11 module.
 *
 * Start-up succeeds only when every worker listens; one that exits first fails it, and the others are stopped.
 * Stopping sends SIGTERM to every worker, which finishes its in-flight requests (start.ts) while the primary keeps
 * answering their memory questions, and waits for all of them. A worker that dies later is reported through
 * `onWorkerLost`: the bridge then stops as a whole and its supervisor restarts it (the token and its keys persist;
 * the memory's restart rule in http/authenticate.ts keeps replays out).
 */
import cluster, { type Worker } from "node:cluster";
import type { BridgeConfig } from "../config.ts";
import { BridgeFailure } from "../failure.ts";
import { LocalRequestMemory } from "../http/request-memory.ts";
import type { Logger } from "../log.ts";
import { MemoryHost } from "./memory-host.ts";
import { isWorkerMessage, MEMORY_STARTED_AT_ENV } from "./messages.ts";

/** Past the workers' own 5 s grace for in-flight requests (start.ts), a worker that still runs is killed. */
const STOP_DEADLINE_MS = 10_000;

export interface RunningCluster {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startCluster(config: BridgeConfig, log: Logger, onWorkerLost: () => void): Promise<RunningCluster> {
  const memory = new LocalRequestMemory(config.idempotencyTtlSeconds, Date.now);
  const host = new MemoryHost(memory);
  // Round robin: the primary accepts and hands each connection to the next worker. Left to the kernel
  // (SCHED_NONE), Linux tends to wake the same worker, which then serves most keep-alive connections alone.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ serialization: "advanced" });
  const workers = Array.from({ length: config.workers }, () => cluster.fork({ [MEMORY_STARTED_AT_ENV]: String(memory.startedAt) }));
  let listening = false;
  let stopping = false;

  const exits = workers.map((worker) => new Promise<void>((resolve) => worker.once("exit", () => resolve())));
  const urls = workers.map(
    (worker) =>
      new Promise<string>((resolve, reject) => {
        worker.on("error", (error: Error) => log("warn", "worker channel error", { worker: worker.id, error: error.message }));
        worker.on("message", (message: unknown) => {
          if (!isWorkerMessage(message)) return;
          if (message.kind === "ready") resolve(message.url);
          else host.answer(worker, message);
        });
        worker.once("exit", (code: number | null, signal: string | null) => {
          host.workerGone(worker);
          const how = `worker ${worker.id} (pid ${worker.process.pid ?? "?"}) exited: ${code ?? signal ?? "?"}`;
          reject(new BridgeFailure("Unavailable", "a bridge worker exited before it listened", how));
          if (listening && !stopping) {
            log("error", "bridge worker lost", { detail: how });
            onWorkerLost();
          }
        });
      }),
  );

  const stopAll = async (workersToStop: readonly Worker[]) => {
    stopping = true;
    for (const worker of workersToStop) if (!worker.isDead()) worker.process.kill("SIGTERM");
    const deadline = setTimeout(() => {
      for (const worker of workersToStop) if (!worker.isDead()) worker.process.kill("SIGKILL");
    }, STOP_DEADLINE_MS);
    await Promise.all(exits);
    clearTimeout(deadline);
  };

  let url: string;
  try {
    [url = ""] = await Promise.all(urls);
  } catch (error) {
    await stopAll(workers);
    throw error;
  }
  listening = true;
  log("info", "bridge cluster listening", { url, workers: workers.length, pids: workers.map((worker) => worker.process.pid) });
  let stopped: Promise<void> | undefined;
  return {
    url,
    stop: () => {
      stopped ??= stopAll(workers);
      return stopped;
    },
  };
}
