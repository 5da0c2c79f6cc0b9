import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

/** Where Debian's softhsm2 package puts the PKCS#11 module. */
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
/** A bridge that died is started again after this pause (a crash loop stays slow and visible in the log). */
const RESTART_DELAY_MS = 1_000;

export interface DevBridgeOptions {
  readonly root: string;
  /** `<stateDir>/hsm`: token, PIN, HMAC secret, bridge.json, bridge.log and bridge.pid. */
  readonly dir: string;
  /** Used when bridge.json is first written; afterwards bridge.json decides. */
  readonly port: number;
}

export interface DevBridge {
  readonly url: string;
  /** The Worker vars that connect the vault to this bridge (durable-objects/crypto/hsm/hsm-bridge.ts). */
  readonly vars: Readonly<Record<string, string>>;
  /** The same, for the shared secret: bound as a secret, so wrangler never prints it. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly logPath: string;
  stop(): Promise<void>;
}

export async function softhsmInstalled(): Promise<boolean> {
  return access(SOFTHSM_MODULE).then(
    () => true,
    () => false,
  );
}

/**
 * Runs the PKCS#11 bridge for `npm run dev` and the conformance tier: a SoftHSM2 token under `dir` made by
 * wasm-hsm/bridge/init-token.sh (kept across runs, keys included), the bridge started the documented way, and
 * started again should it die — fault tests kill it on purpose.
 */
export async function startDevBridge(options: DevBridgeOptions): Promise<DevBridge> {
  await promisify(execFile)("bash", [join(options.root, "wasm-hsm/bridge/init-token.sh"), options.dir], {
    env: { ...process.env, HSM_BRIDGE_PORT: String(options.port) },
  });
  const configPath = join(options.dir, "bridge.json");
  const logPath = join(options.dir, "bridge.log");
  const pidPath = join(options.dir, "bridge.pid");
  const secret = (await readFile(join(options.dir, "hmac.secret"), "utf8")).trim();

  let stopping = false;
  let child: ChildProcess | undefined;
  /** A relaunch under way: stop() waits for it, or the new bridge would outlive the stop and keep the port. */
  let relaunching: Promise<unknown> | undefined;
  const launch = async (): Promise<string> => {
    const started = await launchBridge(options.root, configPath, logPath);
    child = started.child;
    await writeFile(pidPath, `${started.child.pid ?? ""}\n`);
    started.child.once("exit", () => {
      if (stopping) return;
      setTimeout(() => {
        if (!stopping) relaunching = launch().catch(() => undefined);
      }, RESTART_DELAY_MS);
    });
    return started.url;
  };
  const url = await launch();

  return {
    url,
    logPath,
    // SoftHSM is a software token: its keys report hsmPlatform "0", not a FIPS level (docs/wire-reference.md §4).
    vars: { HSM_BRIDGE_URL: url, HSM_BRIDGE_KEY_ID: "vault", HSM_PLATFORM: "0" },
    secrets: { HSM_BRIDGE_SECRET: secret },
    async stop() {
      stopping = true;
      await relaunching;
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function launchBridge(root: string, configPath: string, logPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "wasm-hsm/bridge/main.ts"), "--config", configPath], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.on("error", () => undefined);
  let tail = "";
  child.stderr?.pipe(createWriteStream(logPath, { flags: "a" }));
  child.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-2000);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));

  let stdout = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`HSM bridge did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = stdout.split("\n").find((candidate) => candidate.includes('"listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`HSM bridge exited (${code ?? signal}) before listening: ${tail}`));
    });
  });
  return { child, url };
}
