/**
 * `npm run hsm-bridge -- --config PATH`: runs the PKCS#11 bridge until SIGINT/SIGTERM. The config comes from
 * --config, else $HSM_BRIDGE_CONFIG, else .dev/hsm/bridge.json (what init-token.sh writes). Once listening it
 * prints one JSON line on stdout, `{"event":"listening","url":…}`, for scripts and tests to wait for; logs go to
 * stderr.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.ts";
import { BridgeFailure } from "./failure.ts";
import { jsonLogger } from "./log.ts";
import { startBridge } from "./start.ts";

const DEFAULT_CONFIG = ".dev/hsm/bridge.json";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  const path = values.config ?? process.env.HSM_BRIDGE_CONFIG ?? DEFAULT_CONFIG;
  const bridge = await startBridge(loadConfig(path), jsonLogger);
  process.stdout.write(`${JSON.stringify({ event: "listening", url: bridge.url })}\n`);

  const shutdown = (signal: string) => {
    jsonLogger("info", "bridge stopping", { signal });
    void bridge.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        jsonLogger("error", "bridge did not stop cleanly", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
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
