import { mkdir, readFile } from "node:fs/promises";
import { relative } from "node:path";
import { AdminClient } from "./admin-client.ts";
import { ensureBootstrap, type BootstrapOutcome } from "./bootstrap.ts";
import { ensureCaBundle } from "./ca-bundle.ts";
import { ensureCertificates } from "./certificates.ts";
import { ensureDevVars, isWellFormedRootKey } from "./dev-vars.ts";
import { clientEnvironment, writeEnvFile } from "./env-file.ts";
import { exposureWarning, LOOPBACK_ADDRESSES, withLoopback } from "./listen-addresses.ts";
import { isPortFree } from "./port.ts";
import { SOFTHSM_MODULE, softhsmInstalled, startDevBridge, type DevBridge } from "./hsm-bridge.ts";
import { hostResolutionAdvice, unreachableLoopbacks } from "./reachability.ts";
import { ensureHsmActivated } from "./hsm-activation.ts";
import { createReporter, type FileOutcome, type Reporter } from "./reporter.ts";
import { stateLayout } from "./state-layout.ts";
import { waitForHealth } from "./wait-for-health.ts";
import { startWrangler } from "./wrangler-process.ts";

/** The storage account `npm run dev` keeps managed HSM backups in: https://devbackups.blob.localhost:{port}/{container}. */
export function devBackupEndpoint(port: number): string {
  return `https://devbackups.blob.localhost:${port}`;
}

/** The bridge's documented default port (wasm-hsm/README.md). */
const DEFAULT_BRIDGE_PORT = 8450;

export interface DevServerOptions {
  /** Project root: where wrangler.toml and node_modules are. */
  readonly root: string;
  /** Where certificates, wrangler's persisted data and the bootstrap state live, e.g. `<root>/.dev`. */
  readonly stateDir: string;
  readonly port: number;
  /** Where the HTTPS front listens (listen-addresses.ts); default 127.0.0.1 and ::1, this machine only, which is always added. */
  readonly listen?: readonly string[];
  /** Print nothing but warnings, and don't mirror wrangler's output (tests). */
  readonly quiet?: boolean;
  /** Aborting during start-up stops wrangler and rejects; after start-up, use `stop()`. */
  readonly signal?: AbortSignal;
  /** More Worker vars passed as `--var` (e.g. the bench's `BENCH_ECHO`); they override same-named defaults. */
  readonly extraVars?: Readonly<Record<string, string>>;
  /** Where the HSM bridge listens when its config is first written (default 8450). */
  readonly hsmBridgePort?: number;
}

export interface DevServer {
  readonly port: number;
  /** The addresses the front was asked to listen on, the loopback included. */
  readonly listen: readonly string[];
  /** wrangler's internal port behind the front (127.0.0.1 only); the bench tells its workerd processes apart by it. */
  readonly upstreamPort: number;
  readonly caPath: string;
  /** The variables written to `<stateDir>/env`. */
  readonly env: Record<string, string>;
  readonly vaultUrl: string;
  /** The `devhsm` managed HSM (the identity is its administrator); only with the HSM bridge, which it needs. */
  readonly managedHsmUrl?: string;
  readonly tenantId: string;
  readonly principalId: string;
  readonly identityHeader: string;
  readonly operatorKey: string;
  /** The PKCS#11 bridge over a SoftHSM2 token under `<stateDir>/hsm`, when softhsm2 is installed. */
  readonly hsmBridge?: { readonly url: string; readonly dir: string };
  /** Resolves (with how it ended) if wrangler exits by itself, so a caller can stop waiting on a dead server. */
  readonly wranglerExited: Promise<string>;
  /** The process group of wrangler, its workerd and the HTTPS front: what the crash test kills with SIGKILL. */
  readonly wranglerPid: number;
  stop(): Promise<void>;
}

/**
 * Runs the Worker locally the way real SDKs need it (docs/client-contract.md): HTTPS with a
 * local CA, one host per vault under `*.vault.localhost` (and per managed HSM under `*.managedhsm.localhost`), a
 * bootstrapped tenant, identity, `dev` vault and, with the HSM bridge, `devhsm` managed HSM, and a shell env file
 * that points clients at them. Every step reuses what an earlier run left in `stateDir`.
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
  const listen = withLoopback(options.listen ?? LOOPBACK_ADDRESSES);
  const exposure = exposureWarning(listen, options.port);
  if (exposure !== undefined) reporter.warn(`\n${exposure}`);

  options.signal?.throwIfAborted();
  const bridge = await startBridgeIfInstalled(options, layout.hsmDir, reporter);
  const origin = `https://localhost:${options.port}`;
  const wrangler = startWrangler({
    root: options.root,
    port: options.port,
    listen,
    keyPath: layout.serverKey,
    certPath: layout.serverCert,
    persistTo: layout.wranglerState,
    logPath: layout.wranglerLog,
    // Managed HSM full backups go to Miniflare's R2 through this account's container URIs (docs/managed-hsm.md).
    // Workload identity federation trusts the local OIDC issuer (docs/access-control.md "Workload identity federation").
    vars: {
      ISSUER_ORIGIN: origin,
      BACKUP_BLOB_ENDPOINTS: devBackupEndpoint(options.port),
      FEDERATED_TOKEN_ISSUERS: `${origin}/local-oidc`,
      ...bridge?.vars,
      ...options.extraVars,
    },
    secrets: { ...(layout.devVarsReadByWrangler ? {} : devVars.vars), ...bridge?.secrets },
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
    const upstreamPort = await wrangler.upstreamPort;
    reporter.step(`healthy: ${origin}/healthz`);
    for (const failure of await unreachableLoopbacks(options.port, ca)) {
      reporter.warn(`not reachable: ${failure}`);
    }

    const admin = new AdminClient(origin, devVars.vars.OPERATOR_KEY, ca);
    const { state, outcome, sku, managedHsm } = await ensureBootstrap(admin, layout.bootstrapState, { managedHsm: bridge !== undefined });
    reporter.step(`${describeBootstrap(outcome)}: tenant ${state.tenantId}, identity ${state.principalId}, vault "${state.vaultName}" (${sku})`);
    if (managedHsm !== undefined) reporter.step(`${managedHsm.outcome} managed HSM "${managedHsm.name}" (HSM keys and /rng only)`);
    if (bridge !== undefined && sku !== "premium") {
      reporter.warn(`vault "${state.vaultName}" is a standard vault (made before HSM support): delete ${display(layout.wranglerState)} to recreate it as premium.`);
    }

    const vaultHost = `${state.vaultName}.vault.localhost`;
    const managedHsmHost = managedHsm === undefined ? undefined : `${managedHsm.name}.managedhsm.localhost`;
    const vaultUrl = `https://${vaultHost}:${options.port}`;
    const managedHsmUrl = managedHsmHost === undefined ? undefined : `https://${managedHsmHost}:${options.port}`;
    const env = clientEnvironment({
      port: options.port,
      caPath: layout.caCert,
      caBundlePath: layout.caBundle,
      identityHeader: state.identityHeader,
      tenantId: state.tenantId,
      vaultUrl,
      ...(managedHsmUrl === undefined ? {} : { managedHsmUrl }),
    });
    await writeEnvFile(layout.envFile, env);
    reporter.step(`wrote    ${display(layout.envFile)}`);
    if (managedHsmUrl !== undefined) {
      const activation = await ensureHsmActivated({ hsmUrl: managedHsmUrl, origin, identityHeader: state.identityHeader, ca, dir: layout.securityDomainDir });
      if (activation === "activated") reporter.step(`activated managed HSM "${managedHsm?.name ?? ""}": security domain in ${display(layout.securityDomainDir)}`);
    }

    const advice = await hostResolutionAdvice(managedHsmHost === undefined ? [vaultHost] : [vaultHost, managedHsmHost]);
    if (advice !== undefined) reporter.warn(advice);
    options.signal?.throwIfAborted();

    return {
      port: options.port,
      listen,
      upstreamPort,
      caPath: layout.caCert,
      env,
      vaultUrl,
      ...(managedHsmUrl === undefined ? {} : { managedHsmUrl }),
      tenantId: state.tenantId,
      principalId: state.principalId,
      identityHeader: state.identityHeader,
      operatorKey: devVars.vars.OPERATOR_KEY,
      ...(bridge === undefined ? {} : { hsmBridge: { url: bridge.url, dir: layout.hsmDir } }),
      wranglerExited: wrangler.exited,
      wranglerPid: wrangler.pid,
      stop: async () => {
        await wrangler.stop();
        await bridge?.stop();
      },
    };
  } catch (error) {
    await wrangler.stop();
    await bridge?.stop();
    throw options.signal?.aborted === true ? new Error("start-up interrupted", { cause: error }) : error;
  } finally {
    options.signal?.removeEventListener("abort", abortStartup);
  }
}

/** HSM keys need the bridge, the bridge needs SoftHSM2 locally; without it the vault runs with software keys only. */
async function startBridgeIfInstalled(options: DevServerOptions, dir: string, reporter: Reporter): Promise<DevBridge | undefined> {
  if (!(await softhsmInstalled())) {
    reporter.step(`HSM keys off: SoftHSM2 is not installed (${SOFTHSM_MODULE}); apt-get install softhsm2 to enable RSA-HSM/EC-HSM/oct-HSM`);
    return undefined;
  }
  const bridge = await startDevBridge({ root: options.root, dir, port: options.hsmBridgePort ?? DEFAULT_BRIDGE_PORT });
  reporter.step(`started HSM bridge on ${bridge.url} (SoftHSM2 token in ${display(dir)}, log in ${display(bridge.logPath)})`);
  return bridge;
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

