/** What the dev server tells its Worker host process (worker-host.ts), passed as JSON in one variable. */
export const WORKER_HOST_OPTIONS_VARIABLE = "EDGE_VAULT_WORKER_HOST";

export interface WorkerHostOptions {
  readonly root: string;
  /** The public port: the strict front (strict-front.ts) listens here, on `listen`. */
  readonly port: number;
  /** Addresses the front listens on; loopback unless the developer chose otherwise (listen-addresses.ts). */
  readonly listen: readonly string[];
  readonly keyPath: string;
  readonly certPath: string;
  readonly persistTo: string;
  /** Plain-text bindings, on top of wrangler.toml's [vars] and .dev.vars (these win). */
  readonly vars: Readonly<Record<string, string>>;
  /** Bound as secrets: the same strings to the Worker, but wrangler's binding table hides their values. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Attach wrangler's DevTools inspector (costly per subrequest; for debugging only). */
  readonly inspector: boolean;
  /** Print one line per request (method, path, status, time), as `wrangler dev` does. */
  readonly requestLog: boolean;
}

/**
 * Sent over the IPC channel once the front listens: wrangler's own dev server (127.0.0.1 only; nothing but the
 * front talks to it) is on a port the kernel picked when it bound it (worker-host.ts says why).
 */
export interface WorkerHostReady {
  readonly upstreamPort: number;
}
