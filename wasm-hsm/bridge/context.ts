/** What every operation needs: the token, its session pool, the key lookup and the paths chosen at start-up. */
import type { KeyStore } from "./keys/key-store.ts";
import type { Capabilities } from "./pkcs11/capabilities.ts";
import type { SessionPool } from "./pkcs11/session-pool.ts";
import type { Token } from "./pkcs11/token.ts";

export interface BridgeContext {
  readonly token: Token;
  readonly pool: SessionPool;
  readonly keys: KeyStore;
  readonly capabilities: Capabilities;
  /** How many processes serve requests (health shows it; each has its own context). */
  readonly workers: number;
}
