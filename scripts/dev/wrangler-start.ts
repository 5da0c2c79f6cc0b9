/** What worker-host.ts needs of the Worker `unstable_startWorker` returns: its URL, and its DevEnv's events. */
export interface StartingWorker {
  readonly url: Promise<URL>;
  readonly raw: { on(event: "error", listener: (event: unknown) => void): unknown };
}

/**
 * Resolves with wrangler's URL once it serves, or rejects with the first error it reports before that. wrangler
 * reports a failed start (a port it cannot bind, a runtime that would not start) only as an "error" event on its
 * DevEnv, logged at debug level, and `ready` then never settles: the dev server waited out its health timeout
 * with nothing on screen. Errors after the start (a rebuild of an edit that does not compile) go to `warn`, and
 * the server keeps running, as `wrangler dev` does.
 */
export function readyOrFirstError(worker: StartingWorker, warn: (line: string) => void): Promise<URL> {
  return new Promise((resolve, reject) => {
    let started = false;
    worker.raw.on("error", (event) => {
      if (started) warn(`wrangler: ${describeStartError(event)}`);
      else reject(new Error(`wrangler could not start: ${describeStartError(event)}`));
    });
    worker.url.then((url) => {
      started = true;
      resolve(url);
    }, reject);
  });
}

/** DevEnv errors are an Error (a user error) or an event { source, reason, cause } from one of its controllers. */
export function describeStartError(event: unknown): string {
  if (event instanceof Error) return event.message;
  const { source, reason, cause } = (event ?? {}) as { source?: unknown; reason?: unknown; cause?: unknown };
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return `${String(source)}: ${String(reason)}${detail}`;
}
