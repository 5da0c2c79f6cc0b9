import { BridgeClient, DEFAULT_TIMEOUT_MS, hmacCredentials, HttpTransport, type BridgeTransport } from "./bridge-client/index.ts";
import { ChannelTransport } from "./channel/channel-transport.ts";
import { workerConnector } from "./channel/worker-socket.ts";
import { VaultError } from "../errors/vault-error.ts";
import { HSM_RETRY_AFTER_SECONDS, HSM_UNAVAILABLE_MESSAGE, vaultErrorOfBridge } from "./bridge-faults.ts";

/** The Worker vars that connect a deployment to its PKCS#11 bridge (wasm-hsm/README.md). */
export interface HsmBridgeEnv {
  /** `http://127.0.0.1:8450` in development; an https origin on a private network in production. */
  readonly HSM_BRIDGE_URL?: string;
  /** This deployment's id in the bridge's `clients[]`. */
  readonly HSM_BRIDGE_KEY_ID?: string;
  /** The shared HMAC secret (≥ 32 bytes, base64url); a secret, never a plain var in production. */
  readonly HSM_BRIDGE_SECRET?: string;
  /** Per-call deadline; a slow bridge becomes 503 after this long. */
  readonly HSM_BRIDGE_TIMEOUT_MS?: string;
  /** Deadline of key-making calls (generate, import), default 30 000 ms. */
  readonly HSM_BRIDGE_KEYGEN_TIMEOUT_MS?: string;
  /**
   * "channel" (the default): every call of a vault object over one multiplexed, batched WebSocket channel
   * (docs/hsm-channel.md). "http": one signed HTTP request per call, for a path that cannot carry WebSockets.
   */
  readonly HSM_BRIDGE_TRANSPORT?: string;
  /** `attributes.hsmPlatform` of HSM keys: "2" FIPS 140-3 L3 (Azure Premium), "1" L2, "0" software (SoftHSM). */
  readonly HSM_PLATFORM?: string;
}

/**
 * Generating a key takes the token far longer than using one (RSA-4096: seconds on SoftHSM2), so key-making calls
 * have their own deadline (HSM_BRIDGE_KEYGEN_TIMEOUT_MS).
 */
const DEFAULT_KEYGEN_TIMEOUT_MS = 30_000;

/** Whether this deployment has a bridge: premium vaults accept `-HSM` key types only then. */
export function hsmBridgeConfigured(env: HsmBridgeEnv): boolean {
  return Boolean(env.HSM_BRIDGE_URL && env.HSM_BRIDGE_KEY_ID && env.HSM_BRIDGE_SECRET);
}

const PLATFORMS = new Set(["0", "1", "2"]);

/**
 * A vault object's link to the bridge: the client is built on first use (importing the HMAC key is asynchronous)
 * over one transport — by default one channel per object, which workerd lets the object's requests share — and
 * every call's failure is turned into the vault's error on the way out.
 */
export class HsmBridge {
  private clients?: Promise<{ readonly fast: BridgeClient; readonly slow: BridgeClient }>;
  readonly platform: string;

  private constructor(private readonly env: Required<Pick<HsmBridgeEnv, "HSM_BRIDGE_URL" | "HSM_BRIDGE_KEY_ID" | "HSM_BRIDGE_SECRET">> & HsmBridgeEnv) {
    this.platform = PLATFORMS.has(env.HSM_PLATFORM ?? "") ? (env.HSM_PLATFORM as string) : "2";
  }

  static fromEnv(env: HsmBridgeEnv): HsmBridge | null {
    if (!env.HSM_BRIDGE_URL || !env.HSM_BRIDGE_KEY_ID || !env.HSM_BRIDGE_SECRET) return null;
    return new HsmBridge({ ...env, HSM_BRIDGE_URL: env.HSM_BRIDGE_URL, HSM_BRIDGE_KEY_ID: env.HSM_BRIDGE_KEY_ID, HSM_BRIDGE_SECRET: env.HSM_BRIDGE_SECRET });
  }

  /**
   * Runs one bridge call; BridgeErrors leave as VaultErrors (503 + Retry-After when the bridge is at fault).
   * `makesKey`: generation and imports, which get the longer deadline.
   */
  async call<T>(run: (client: BridgeClient) => Promise<T>, mapError: (error: unknown) => unknown = vaultErrorOfBridge, makesKey = false): Promise<T> {
    let client: BridgeClient;
    try {
      const clients = await this.connect();
      client = makesKey ? clients.slow : clients.fast;
    } catch {
      // A secret that cannot be imported is a deployment fault: the HSM is unavailable, software keys are not.
      throw new VaultError("ServiceUnavailable", HSM_UNAVAILABLE_MESSAGE, undefined, HSM_RETRY_AFTER_SECONDS);
    }
    try {
      return await run(client);
    } catch (error) {
      throw mapError(error);
    }
  }

  private connect(): Promise<{ readonly fast: BridgeClient; readonly slow: BridgeClient }> {
    this.clients ??= hmacCredentials(this.env.HSM_BRIDGE_KEY_ID, this.env.HSM_BRIDGE_SECRET).then((credentials) => {
      const baseUrl = this.env.HSM_BRIDGE_URL;
      // The deadlines are per call, so both clients share the one transport (and its one channel).
      const transport: BridgeTransport = this.env.HSM_BRIDGE_TRANSPORT === "http"
        ? new HttpTransport({ baseUrl, credentials })
        : new ChannelTransport({ connect: workerConnector(baseUrl), credentials });
      const client = (ms: number) => new BridgeClient({ transport, timeoutMs: ms });
      return {
        fast: client(timeoutOf(this.env.HSM_BRIDGE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS)),
        slow: client(timeoutOf(this.env.HSM_BRIDGE_KEYGEN_TIMEOUT_MS, DEFAULT_KEYGEN_TIMEOUT_MS)),
      };
    });
    this.clients.catch(() => (this.clients = undefined));
    return this.clients;
  }
}

function timeoutOf(raw: string | undefined, fallback: number): number {
  const ms = Number(raw);
  return Number.isInteger(ms) && ms > 0 ? ms : fallback;
}
