import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer } from "../../scripts/dev/server.ts";
import type { DevServerFacts } from "./support/dev-server-facts.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
/** Not 8443, so the suite can run while a developer's `npm run dev` is up. */
const PREFERRED_PORT = 18443;
/** Not 8450, for the same reason. */
const PREFERRED_BRIDGE_PORT = 18450;
const BRIDGE_TIMEOUT_MS = 2_000;
/** RSA-4096 generation on a loaded 2-core machine fits well inside this. */
const BRIDGE_KEYGEN_TIMEOUT_MS = 20_000;

/**
 * Variables that would make ManagedIdentityCredential pick another flow (Service Fabric, Azure ML, Cloud Shell,
 * Arc) ahead of App Service; cleared so the tests exercise the flow they mean to whatever the shell had set.
 */
const COMPETING_IDENTITY_VARIABLES = ["IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"];

/**
 * Starts the real Worker under `wrangler dev` with a fresh state directory (its own CA, keys and data; the
 * developer's `.dev` and `.dev.vars` are never touched) and stops it when the run ends. Set
 * CONFORMANCE_KEEP_STATE=1 to keep the directory, wrangler.log included, for a post-mortem.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = await mkdtemp(join(tmpdir(), "edge-vault-conformance-"));
  const port = await findFreePort(PREFERRED_PORT);
  // A short bridge deadline, so the fault tests' stopped bridge becomes a 503 quickly.
  const hsmBridgePort = await findFreePort(PREFERRED_BRIDGE_PORT);
  const extraVars = { HSM_BRIDGE_TIMEOUT_MS: String(BRIDGE_TIMEOUT_MS), HSM_BRIDGE_KEYGEN_TIMEOUT_MS: String(BRIDGE_KEYGEN_TIMEOUT_MS) };
  const server = await startDevServer({ root: ROOT, stateDir, port, quiet: true, hsmBridgePort, extraVars }).catch((error: unknown) => {
    process.stderr.write(`conformance: dev server failed to start; its files are kept in ${stateDir}\n`);
    throw error;
  });

  // The same variables a developer gets from `source .dev/env`. The forked test worker inherits this process's
  // environment as it is when spawned, which is after global setup: NODE_EXTRA_CA_CERTS (read only at Node
  // start-up) and the managed-identity variables are in place before it starts, so the SDKs run unmodified.
  // environment.test.ts checks that this held.
  for (const name of COMPETING_IDENTITY_VARIABLES) delete process.env[name];
  Object.assign(process.env, server.env);

  const facts: DevServerFacts = {
    port: server.port,
    origin: `https://localhost:${server.port}`,
    vaultUrl: server.vaultUrl,
    ...(server.managedHsmUrl === undefined ? {} : { managedHsmUrl: server.managedHsmUrl }),
    caPath: server.caPath,
    stateDir,
    tenantId: server.tenantId,
    principalId: server.principalId,
    identityHeader: server.identityHeader,
    operatorKey: server.operatorKey,
    env: server.env,
    ...(server.hsmBridge === undefined ? {} : { hsm: { ...server.hsmBridge, timeoutMs: BRIDGE_TIMEOUT_MS, keygenTimeoutMs: BRIDGE_KEYGEN_TIMEOUT_MS } }),
  };
  project.provide("devServer", facts);

  return async () => {
    await server.stop();
    if (process.env.CONFORMANCE_KEEP_STATE === "1") {
      process.stderr.write(`conformance: state kept in ${stateDir}\n`);
      return;
    }
    await rm(stateDir, { recursive: true, force: true });
  };
}
