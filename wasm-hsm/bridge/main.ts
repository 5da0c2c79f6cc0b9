/**
 * `npm run hsm-bridge -- --config PATH`: runs the PKCS#11 bridge until SIGINT/SIGTERM. The config comes from
 * --config, else $HSM_BRIDGE_CONFIG, else .dev/hsm/bridge.json (what init-token.sh writes). Once listening it
 * prints one JSON line on stdout, `{"event":"listening","url":…}`, for scripts and tests to wait for; logs go to
 * stderr. With `workers` above 1 this process is the cluster's primary (cluster/primary.ts) and node:cluster runs
 * this same file, with the same arguments, as each worker.
 */
import cluster from "node:cluster";
import { parseArgs } from "node:util";
import { startCluster } from "./cluster/primary.ts";
import { runWorker } from "./cluster/worker.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { BridgeFailure } from "./failure.ts";
import { jsonLogger } from "./log.ts";
import { startBridge } from "./start.ts";

const DEFAULT_CONFIG = ".dev/hsm/bridge.json";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  const config = loadConfig(values.config ?? process.env.HSM_BRIDGE_CONFIG ?? DEFAULT_CONFIG);
  if (cluster.isWorker) {
    await runWorker(config, jsonLogger);
    return;
  }

  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    jsonLogger("info", "bridge stopping", { reason });
    void bridge.stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        jsonLogger("error", "bridge did not stop cleanly", { error: String(error) });
        process.exit(1);
      },
    );
  };
  const bridge = config.workers === 1
    ? await startBridge(config, jsonLogger)
    : await startCluster(config, jsonLogger, () => shutdown("a worker was lost", 1));
  process.stdout.write(`${JSON.stringify({ event: "listening", url: bridge.url })}\n`);
  process.once("SIGINT", () => shutdown("SIGINT", 0));
  process.once("SIGTERM", () => shutdown("SIGTERM", 0));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    jsonLogger("error", error.message, { hint: "create a token and config with wasm-hsm/bridge/init-token.sh" });
  } else if (error instanceof BridgeFailure) {
    jsonLogger("error", error.message, { code: error.code, detail: error.detail });
  } else {
    jsonLogger("error", "bridge failed to start", { error: error instanceof Error ? error.stack : String(error) });
  }
  process.exit(1);
});
