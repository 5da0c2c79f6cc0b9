import { mkdir, readFile } from "node:fs/promises";
import { relative } from "node:path";
import { AdminClient } from "./admin-client.ts";
import { ensureBootstrap, type BootstrapOutcome } from "./bootstrap.ts";
import { ensureCaBundle } from "./ca-bundle.ts";
import { ensureCertificates } from "./certificates.ts";
import { ensureDevVars, isWellFormedRootKey } from "./dev-vars.ts";
import { clientEnvironment, writeEnvFile } from "./env-file.ts";
import { isPortFree } from "./port.ts";
import { unreachableLoopbacks, vaultHostResolutionAdvice } from "./reachability.ts";
import { createReporter, type FileOutcome, type Reporter } from "./reporter.ts";
import { stateLayout } from "./state-layout.ts";
import { waitForHealth } from "./wait-for-health.ts";
import { startWrangler } from "./wrangler-process.ts";

export interface DevServerOptions {
  /** Project root: where wrangler.toml and node_modules are. */
  readonly root: string;
  /** Where certificates, wrangler's persisted data and the bootstrap state live, e.g. `<root>/.dev`. */
  readonly stateDir: string;
  readonly port: number;
  /** Print nothing but warnings, and don't mirror wrangler's output (tests). */
  readonly quiet?: boolean;
  /** Aborting during start-up stops wrangler and rejects; after start-up, use `stop()`. */
  readonly signal?: AbortSignal;
  /** More Worker vars passed as `--var` (e.g. the bench's `BENCH_ECHO`); they override same-named defaults. */
  readonly extraVars?: Readonly<Record<string, string>>;
}

export interface DevServer {
  readonly port: number;
  readonly caPath: string;
  /** The variables written to `<stateDir>/env`. */
  readonly env: Record<string, string>;
  readonly vaultUrl: string;
  readonly tenantId: string;
  readonly principalId: string;
  readonly identityHeader: string;
  readonly operatorKey: string;
  /** Resolves (with how it ended) if wrangler exits by itself, so a caller can stop waiting on a dead server. */
  readonly wranglerExited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs the Worker locally the way real SDKs need it (see shared/reference/client-contract.md): HTTPS with a
 * local CA, one host per vault under `*.vault.localhost`, a bootstrapped tenant, identity and `dev` vault, and a
 * shell env file that points clients at it. Every step reuses what an earlier run left in `stateDir`.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const reporter = createReporter(options.quiet ?? false);
  const layout = stateLayout(options.root, options.stateDir);
  await mkdir(layout.stateDir, { recursive: true, mode: 0o700 });

  const certificates = await ensureCertificates(layout);
  reportFile(reporter, certificates.ca, layout.caCert, "local CA");
  const serverNote = certificates.serverReason === undefined ? "" : `; ${certificates.serverReason}`;
  reportFile(reporter, certificates.server, layout.serverCert, `server certificate${serverNote}`);
  reportFile(reporter, await ensureCaBundle(layout), layout.caBundle, "system roots + local CA");

  const devVars = await ensureDevVars(layout.devVars);
  const varsNote = devVars.changedKeys.length === 0 ? "" : `set ${devVars.changedKeys.join(", ")}`;
  reportFile(reporter, devVars.outcome, layout.devVars, varsNote);
  if (!isWellFormedRootKey(devVars.vars.ROOT_KEY)) {
    reporter.warn(`ROOT_KEY in ${layout.devVars} is not base64 of 32 bytes; left as is, since it may protect stored data.`);
  }

  if (!(await isPortFree(options.port))) {
    throw new Error(`port ${options.port} is already in use; stop whatever holds it or choose another port.`);
  }

  options.signal?.throwIfAborted();
  const origin = `https://localhost:${options.port}`;
  const wrangler = startWrangler({
    root: options.root,
    port: options.port,
    keyPath: layout.serverKey,
    certPath: layout.serverCert,
    persistTo: layout.wranglerState,
    logPath: layout.wranglerLog,
    vars: {
      ISSUER_ORIGIN: origin,
      ...(layout.devVarsReadByWrangler ? {} : devVars.vars),
      ...options.extraVars,
    },
    forwardOutput: !(options.quiet ?? false),
  });
  reporter.step(`started wrangler dev (pid ${wrangler.pid}), log in ${display(layout.wranglerLog)}`);
  // wrangler runs in its own process group (see wrangler-process.ts), so a Ctrl-C during start-up reaches only
  // us; stopping it makes the health wait below fail fast and the start-up reject.
  const abortStartup = () => void wrangler.stop();
  options.signal?.addEventListener("abort", abortStartup, { once: true });

  try {
    const ca = await readFile(layout.caCert, "utf8");
    await waitForHealth({ origin, ca, wrangler });
    reporter.step(`healthy: ${origin}/healthz`);
    for (const failure of await unreachableLoopbacks(options.port, ca)) {
      reporter.warn(`not reachable: ${failure}`);
    }

    const admin = new AdminClient(origin, devVars.vars.OPERATOR_KEY, ca);
    const { state, outcome } = await ensureBootstrap(admin, layout.bootstrapState);
    reporter.step(`${describeBootstrap(outcome)}: tenant ${state.tenantId}, identity ${state.principalId}, vault "${state.vaultName}"`);

    const vaultUrl = `https://${state.vaultName}.vault.localhost:${options.port}`;
    const env = clientEnvironment({
      port: options.port,
      caPath: layout.caCert,
      caBundlePath: layout.caBundle,
      identityHeader: state.identityHeader,
      tenantId: state.tenantId,
      vaultUrl,
    });
    await writeEnvFile(layout.envFile, env);
    reporter.step(`wrote    ${display(layout.envFile)}`);

    const advice = await vaultHostResolutionAdvice(`${state.vaultName}.vault.localhost`);
    if (advice !== undefined) reporter.warn(advice);
    options.signal?.throwIfAborted();

    return {
      port: options.port,
      caPath: layout.caCert,
      env,
      vaultUrl,
      tenantId: state.tenantId,
      principalId: state.principalId,
      identityHeader: state.identityHeader,
      operatorKey: devVars.vars.OPERATOR_KEY,
      wranglerExited: wrangler.exited,
      stop: () => wrangler.stop(),
    };
  } catch (error) {
    await wrangler.stop();
    throw options.signal?.aborted === true ? new Error("start-up interrupted", { cause: error }) : error;
  } finally {
    options.signal?.removeEventListener("abort", abortStartup);
  }
}

function reportFile(reporter: Reporter, outcome: FileOutcome, path: string, note: string): void {
  reporter.step(`${outcome.padEnd(8)} ${display(path)}${note === "" ? "" : ` (${note})`}`);
}

function describeBootstrap(outcome: BootstrapOutcome): string {
  switch (outcome) {
    case "reused":
      return "reused bootstrap";
    case "created":
      return "bootstrapped";
    case "recreated-vault":
      return "recreated the vault";
  }
}

/** Paths relative to where the developer stands read better; absolute ones elsewhere. */
function display(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith("..") ? path : shown;
}

