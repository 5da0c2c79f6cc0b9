import { join } from "node:path";
import { loadConfig } from "../wasm-hsm/bridge/config.ts";
import type { BridgeContext } from "../wasm-hsm/bridge/context.ts";
import { KeyStore } from "../wasm-hsm/bridge/keys/key-store.ts";
import { detectCapabilities } from "../wasm-hsm/bridge/pkcs11/capabilities.ts";
import { SessionPool } from "../wasm-hsm/bridge/pkcs11/session-pool.ts";
import { openToken, type Token } from "../wasm-hsm/bridge/pkcs11/token.ts";

export interface DirectToken {
  /** What the bridge's own modules need: token, session pool, key lookup, and the paths the bridge chose. */
  readonly context: BridgeContext;
  /** Finalizes the module in this process; the bridge's sessions are its own and stay open. */
  close(): void;
}

/**
 * The bench server's token, opened in this process the way one bridge process opens it (wasm-hsm/bridge/start.ts):
 * the same bridge.json, so the same module, label, PIN and sessions, and the same capability probe, so an
 * operation takes the path the bridge takes (RSA-OAEP-256 native or emulated).
 */
export async function openDirectToken(bridgeDir: string): Promise<DirectToken> {
  const config = loadConfig(bridgeConfigPath(bridgeDir));
  const token = withEnv(config.moduleEnv, () => openToken(config.module, config.token.label));
  const pool = new SessionPool(token, config.token.pin, config.sessions);
  const close = () => {
    pool.close();
    token.finalize();
  };
  try {
    pool.warmUp();
    const capabilities = await detectCapabilities(token, pool, config.oaepSha256);
    return { context: { token, pool, keys: new KeyStore(token.module, pool), capabilities, workers: config.workers }, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** How the bridge spreads work: `workers` processes, each with its own module instance and `sessions` sessions. */
export function bridgeShape(bridgeDir: string): { readonly workers: number; readonly sessions: number; readonly label: string } {
  const config = loadConfig(bridgeConfigPath(bridgeDir));
  return { workers: config.workers, sessions: config.sessions, label: config.token.label };
}

function bridgeConfigPath(bridgeDir: string): string {
  return join(bridgeDir, "bridge.json");
}

/**
 * SoftHSM2 reads SOFTHSM2_CONF once, in C_Initialize; set only for that, so the throwaway token's config does not
 * linger in this process's environment after the run's state directory is gone.
 */
function withEnv(env: Readonly<Record<string, string>>, open: () => Token): Token {
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  try {
    return open();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
