/**
 * `npm run dev`: the Worker on https://localhost:8443 with a local CA, a bootstrapped `dev` vault (and, with the HSM
 * bridge, a `devhsm` managed HSM) and an env file for SDKs. Re-running reuses everything in `.dev/`; stop with Ctrl-C.
 * It listens on the loopback only; `npm run dev -- --host 0.0.0.0` or EDGE_VAULT_LISTEN=0.0.0.0 exposes it.
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exposureWarning, listenAddresses } from "./dev/listen-addresses.ts";
import { startDevServer, type DevServer } from "./dev/server.ts";

const DEFAULT_PORT = 8443;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const stateDir = join(root, ".dev");

async function main(): Promise<void> {
  let server: DevServer | undefined;
  let stopping = false;
  const startup = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping wrangler…\n`);
    if (server === undefined) startup.abort();
    else void server.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  try {
    const listen = listenAddresses(process.argv.slice(2), process.env);
    server = await startDevServer({ root, stateDir, port: DEFAULT_PORT, listen, signal: startup.signal });
  } catch (error) {
    if (startup.signal.aborted) {
      process.stdout.write("stopped before start-up finished.\n");
      return;
    }
    process.stderr.write(`\nnpm run dev failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }

  const envFile = relative(process.cwd(), join(stateDir, "env")) || join(stateDir, "env");
  const exposure = exposureWarning(server.listen, server.port);
  process.stdout.write(
    [
      "",
      "Edge vault is running.",
      `  listening on                 ${server.listen.map((address) => (address.includes(":") ? `[${address}]` : address)).join(", ")}, port ${server.port}`,
      `  admin API and token service  https://localhost:${server.port}  (operator key: OPERATOR_KEY in .dev.vars)`,
      `  vault                        ${server.vaultUrl}`,
      ...(server.managedHsmUrl === undefined ? [] : [`  managed HSM                  ${server.managedHsmUrl}  (HSM keys and /rng only)`]),
      `  tenant                       ${server.tenantId}`,
      `  managed identity             ${server.principalId}`,
      server.hsmBridge === undefined
        ? "  HSM keys                     off: install softhsm2 and restart for RSA-HSM/EC-HSM/oct-HSM"
        : `  HSM bridge (PKCS#11)         ${server.hsmBridge.url}, SoftHSM2 token in ${relative(process.cwd(), server.hsmBridge.dir) || server.hsmBridge.dir}`,
      "",
      "In another shell, point the Azure SDKs at it with:",
      `  source ${envFile}`,
      "",
      "Ctrl-C stops the server; data persists in .dev/wrangler-state.",
      "",
      ...(exposure === undefined ? [] : [exposure, ""]),
    ].join("\n"),
  );

  const how = await server.wranglerExited;
  if (!stopping) {
    process.stderr.write(`wrangler stopped by itself (${how}); see .dev/wrangler.log\n`);
    process.exit(1);
  }
}

await main();
