import { inject } from "vitest";

/**
 * What the global setup tells the test files about the dev server it started. Plain data: it crosses from the
 * main vitest process into the forked test worker by serialization.
 */
export interface DevServerFacts {
  readonly port: number;
  /** https://localhost:<port>: admin API and token service. */
  readonly origin: string;
  readonly vaultUrl: string;
  /** The `devhsm` managed HSM; the server makes it only with the HSM bridge (as `hsm` below). */
  readonly managedHsmUrl?: string;
  readonly caPath: string;
  readonly stateDir: string;
  readonly tenantId: string;
  readonly principalId: string;
  readonly identityHeader: string;
  readonly operatorKey: string;
  readonly env: Readonly<Record<string, string>>;
  /** The HSM bridge the server runs (SoftHSM2 installed): its URL, its directory (bridge.pid…) and the vault's deadline. */
  readonly hsm?: { readonly url: string; readonly dir: string; readonly timeoutMs: number; readonly keygenTimeoutMs: number };
}

declare module "vitest" {
  export interface ProvidedContext {
    devServer: DevServerFacts;
  }
}

export function devServerFacts(): DevServerFacts {
  return inject("devServer");
}
