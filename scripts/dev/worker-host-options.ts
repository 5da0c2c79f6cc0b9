/** What the dev server tells its Worker host process (worker-host.ts), passed as JSON in one variable. */
export const WORKER_HOST_OPTIONS_VARIABLE = "EDGE_VAULT_WORKER_HOST";

export interface WorkerHostOptions {
  readonly root: string;
  readonly port: number;
  readonly keyPath: string;
  readonly certPath: string;
  readonly persistTo: string;
  /** Plain-text bindings, on top of wrangler.toml's [vars] and .dev.vars (these win). */
  readonly vars: Readonly<Record<string, string>>;
  /** Bound as secrets: the same strings to the Worker, but wrangler's binding table hides their values. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Attach wrangler's DevTools inspector (costly per subrequest; for debugging only). */
  readonly inspector: boolean;
}
