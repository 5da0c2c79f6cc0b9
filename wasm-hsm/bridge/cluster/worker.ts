/**
 * One worker of the cluster: the whole bridge (start.ts) — its own module instance, C_Initialize with
 * CKF_OS_LOCKING_OK, login and session pool — serving the listening socket the primary shares, with the primary's
 * request memory. It tells the primary when it listens, and stops gracefully on SIGTERM (the primary's way to stop
 * it) or SIGINT (a terminal's Ctrl-C reaches the whole process group). A start-up failure ends the process, which
 * fails the primary's start.
 */
import cluster from "node:cluster";
import type { BridgeConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import { startBridge } from "../start.ts";
import { primaryMemory } from "./memory-link.ts";
import { MEMORY_STARTED_AT_ENV, type WorkerMessage } from "./messages.ts";

export async function runWorker(config: BridgeConfig, baseLog: Logger): Promise<void> {
  const worker = cluster.worker?.id;
  const log: Logger = (level, message, fields) => baseLog(level, message, { worker, ...fields });
  const startedAt = Number(process.env[MEMORY_STARTED_AT_ENV]);
  if (!Number.isInteger(startedAt)) throw new Error(`${MEMORY_STARTED_AT_ENV} is not set: workers are started by the primary`);

  const bridge = await startBridge(config, log, primaryMemory(startedAt));
  const stop = (reason: string) => {
    log("info", "worker stopping", { reason });
    void bridge.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log("error", "worker did not stop cleanly", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  const ready: WorkerMessage = { kind: "ready", url: bridge.url };
  process.send?.(ready);
}
