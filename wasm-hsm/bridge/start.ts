/**
 * Start-up in order: module environment → token (by label) → logged-in session pool → capability probe → the
 * token's attestation key, made if missing (attestation/attestation-identity.ts) → HTTP and
 * the channel endpoint on the same listener. Anything wrong (no module, no token, wrong PIN) fails here, before
 * the bridge listens, so a running bridge is a working one. `stop()` lets in-flight requests finish and drains the
 * channels (each answers what it runs, channel/channel-session.ts), then logs out and finalizes the module. A
 * cluster worker (cluster/worker.ts) runs this too, with the primary's request memory instead of its own.
 */
import type { AddressInfo } from "node:net";
import { ChannelServer } from "./channel/channel-server.ts";
import type { BridgeConfig } from "./config.ts";
import type { BridgeContext } from "./context.ts";
import { clientAuths } from "./http/authenticate.ts";
import { inProcessMemory, LocalRequestMemory, type RequestMemory } from "./http/request-memory.ts";
import { createBridgeServer } from "./http/server.ts";
import { KeyStore } from "./keys/key-store.ts";
import type { Logger } from "./log.ts";
import { ensureAttestationIdentity } from "./attestation/attestation-identity.ts";
import { detectCapabilities } from "./pkcs11/capabilities.ts";
import { SessionPool } from "./pkcs11/session-pool.ts";
import { openToken } from "./pkcs11/token.ts";

/** How long stop() waits for in-flight requests before cutting connections. */
const STOP_GRACE_MS = 5_000;

export interface RunningBridge {
  readonly url: string;
  readonly context: BridgeContext;
  stop(): Promise<void>;
}

export async function startBridge(
  config: BridgeConfig,
  log: Logger,
  memory: RequestMemory = inProcessMemory(new LocalRequestMemory(config.idempotencyTtlSeconds, Date.now)),
): Promise<RunningBridge> {
  // SoftHSM2 reads SOFTHSM2_CONF when the module initializes; other modules have their own variables.
  Object.assign(process.env, config.moduleEnv);
  const token = openToken(config.module, config.token.label);
  const pool = new SessionPool(token, config.token.pin, config.sessions);
  try {
    pool.warmUp();
    const capabilities = await detectCapabilities(token, pool, config.oaepSha256);
    await pool.use((session) => ensureAttestationIdentity(token.module, session, new Date()));
    const context: BridgeContext = { token, pool, keys: new KeyStore(token.module, pool), capabilities, workers: config.workers };
    const clients = clientAuths(config);
    const server = createBridgeServer({ config, context, clients, log, memory });
    const channels = new ChannelServer({ clients, dispatcher: { context, memory, log }, maxBodyBytes: config.maxBodyBytes, now: Date.now });
    server.on("upgrade", channels.upgrade);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.listen.port, config.listen.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `${config.tls === undefined ? "http" : "https"}://${host}:${address.port}`;
    log("info", "bridge listening", {
      url,
      token: token.label,
      sessions: pool.size,
      ...capabilities,
      mtls: config.tls?.clientCa !== undefined,
    });

    let stopping: Promise<void> | undefined;
    const stop = async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
      await Promise.race([channels.drain(), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
      await closed;
      clearTimeout(timer);
      pool.close();
      token.finalize();
    };
    return {
      url,
      context,
      stop: () => {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (error) {
    pool.close();
    token.finalize();
    throw error;
  }
}
