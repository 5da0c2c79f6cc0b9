import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "../scripts/dev/port.ts";
import { startDevServer, type DevServer } from "../scripts/dev/server.ts";

export interface BenchServer {
  readonly server: DevServer;
  readonly port: number;
  /** PEM of the run's own CA, the only thing its certificate chains to. */
  readonly ca: string;
  /** Stops wrangler and deletes the state directory; safe to call more than once. */
  dispose(): Promise<void>;
}

/** Not 8443 or the conformance tier's 18443, so a bench can run beside either. */
const PREFERRED_PORT = 18543;
/** Likewise for the HSM bridge: not `npm run dev`'s 8450 or the conformance tier's 18450. */
const PREFERRED_BRIDGE_PORT = 18550;

/**
 * A dev server of its own: a fresh state directory (so the developer's `.dev` data, keys, CA and SoftHSM2 token
 * are never touched and every run starts from the same empty vault), free ports for it and its HSM bridge, no
 * console output, and the echo route on. `vars` adds Worker variables (the hsm part's second server sets the bridge
 * transport with them).
 */
export async function startBenchServer(root: string, signal?: AbortSignal, vars: Readonly<Record<string, string>> = {}): Promise<BenchServer> {
  const stateDir = await mkdtemp(join(tmpdir(), "edge-vault-bench-"));
  const removeState = () => rm(stateDir, { recursive: true, force: true });
  let server: DevServer;
  try {
    const port = await findFreePort(PREFERRED_PORT);
    const hsmBridgePort = await findFreePort(PREFERRED_BRIDGE_PORT);
    server = await startDevServer({ root, stateDir, port, hsmBridgePort, quiet: true, signal, extraVars: { BENCH_ECHO: "true", ...vars } });
  } catch (error) {
    await removeState();
    throw error;
  }
  let disposed: Promise<void> | undefined;
  const dispose = () => {
    disposed ??= server.stop().finally(removeState);
    return disposed;
  };
  try {
    return { server, port: server.port, ca: await readFile(server.caPath, "utf8"), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
