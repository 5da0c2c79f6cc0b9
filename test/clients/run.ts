/**
 * The client tiers' runner: starts the real Worker under `wrangler dev` (as test/conformance/global-setup.ts does,
 * with a throwaway state directory), runs pytest over the Python SDK and `az` CLI tests with the environment a
 * developer gets from `source .dev/env`, stops the server and exits with pytest's code.
 *
 *   npm run test:clients                          # every client tier (test/clients)
 *   npm run test:clients -- test/clients/python   # one tier; any pytest arguments work (-k, -x, a file::test)
 *
 * CLIENTS_KEEP_STATE=1 keeps the state directory (wrangler.log, the HSM token) for a post-mortem.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer, type DevServer } from "../../scripts/dev/server.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
/** Debian's interpreter, on purpose: the tiers test the SDK versions Debian packages (python3-azure), not a venv's. */
const PYTHON = "/usr/bin/python3";
/** Not 8443/8450 (a developer's `npm run dev`) nor 18443/18450 (the conformance tier), so all three can run at once. */
const PREFERRED_PORT = 19443;
const PREFERRED_BRIDGE_PORT = 19450;
/** What the tests import; checked before the (slow) server start so a missing package fails in a second. */
const REQUIRED_MODULES = ["azure.keyvault.secrets", "azure.keyvault.keys", "azure.keyvault.certificates", "azure.identity", "cryptography", "pytest"];
const DEBIAN_PACKAGES = "python3-azure python3-pytest python3-cryptography azure-cli";

/**
 * Variables that would make ManagedIdentityCredential pick another flow (Service Fabric, Azure ML, Cloud Shell,
 * Arc) ahead of App Service; cleared so the tests exercise the flow they mean to whatever the shell had set.
 */
const COMPETING_IDENTITY_VARIABLES = ["IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"];

function log(message: string): void {
  process.stderr.write(`clients: ${message}\n`);
}

/** Fails fast, naming the packages, when the interpreter cannot import what the tests need. */
function checkPython(): void {
  const probe = spawnSync(PYTHON, ["-c", `import ${REQUIRED_MODULES.join(", ")}`], { encoding: "utf8" });
  if (probe.error === undefined && probe.status === 0) return;
  const reason = probe.error?.message ?? probe.stderr.trim().split("\n").pop() ?? `exit ${String(probe.status)}`;
  log(`${PYTHON} cannot run the client tiers (${reason}).`);
  log(`install the Debian packages: sudo apt-get install ${DEBIAN_PACKAGES}`);
  process.exit(2);
}

/** Everything a test needs to find and drive the server; conftest.py reads these (and nothing else). */
function testEnvironment(server: DevServer, stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of COMPETING_IDENTITY_VARIABLES) delete env[name];
  return {
    ...env,
    // NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, IDENTITY_ENDPOINT, IDENTITY_HEADER, EDGE_VAULT_TENANT_ID, KEYVAULT_URL,
    // MANAGED_HSM_URL: what an app on App Service would have, so the SDKs run unmodified.
    ...server.env,
    EDGE_VAULT_ORIGIN: `https://localhost:${server.port}`,
    EDGE_VAULT_PORT: String(server.port),
    EDGE_VAULT_OPERATOR_KEY: server.operatorKey,
    EDGE_VAULT_TENANT_ID: server.tenantId,
    EDGE_VAULT_PRINCIPAL_ID: server.principalId,
    EDGE_VAULT_CA: server.caPath,
    EDGE_VAULT_STATE_DIR: stateDir,
    // No __pycache__ left in the source tree.
    PYTHONDONTWRITEBYTECODE: "1",
    // Set only when SoftHSM2 runs behind the bridge: tests of -HSM key types skip, saying why, without it.
    ...(server.hsmBridge === undefined ? {} : { EDGE_VAULT_HSM_BRIDGE: server.hsmBridge.url }),
  };
}

/** Resolves with pytest's exit code; a pytest killed by a signal counts as a failure. */
function runPytest(args: readonly string[], env: NodeJS.ProcessEnv, onSpawn: (child: ChildProcess) => void): Promise<number> {
  return new Promise((resolvePromise) => {
    // -rs: the reason of every skip is printed (an -HSM test skipped for want of SoftHSM2 must say so).
    const child = spawn(PYTHON, ["-m", "pytest", "-c", "test/clients/pytest.ini", "-rs", ...args], { cwd: ROOT, env, stdio: "inherit" });
    onSpawn(child);
    child.once("error", (error) => {
      log(`could not start pytest: ${error.message}`);
      resolvePromise(1);
    });
    child.once("exit", (code) => resolvePromise(code ?? 1));
  });
}

async function main(): Promise<number> {
  checkPython();
  const args = process.argv.slice(2);
  const pytestArgs = args.length === 0 ? ["test/clients"] : args;

  const stateDir = await mkdtemp(join(tmpdir(), "edge-vault-clients-"));
  const port = await findFreePort(PREFERRED_PORT);
  const hsmBridgePort = await findFreePort(PREFERRED_BRIDGE_PORT);
  const started = Date.now();
  const server = await startDevServer({ root: ROOT, stateDir, port, quiet: true, hsmBridgePort }).catch((error: unknown) => {
    log(`dev server failed to start; its files are kept in ${stateDir}`);
    throw error;
  });
  log(`server up on https://localhost:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s (${server.hsmBridge === undefined ? "no HSM bridge" : "HSM bridge on"})`);

  let child: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  /** Stops the server once, and removes its state unless asked to keep it; safe to call from a signal handler. */
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await server.stop();
      if (process.env.CLIENTS_KEEP_STATE === "1") {
        log(`state kept in ${stateDir}`);
        return;
      }
      await rm(stateDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  // wrangler runs in its own process group, so a Ctrl-C in the terminal does not reach it: stop it ourselves.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping pytest and the server`);
      child?.kill(signal);
      void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  // A server that dies mid-run would otherwise show up as hundreds of connection errors; say it once.
  void server.wranglerExited.then((how) => {
    if (stopping === undefined) log(`wrangler exited during the run (${how}); see ${stateDir} (set CLIENTS_KEEP_STATE=1 to keep it)`);
  });

  try {
    return await runPytest(pytestArgs, testEnvironment(server, stateDir), (spawned) => {
      child = spawned;
    });
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
