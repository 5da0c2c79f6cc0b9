import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";

/**
 * Azure's long-running operations of the managed HSM (backuprestore.json, securitydomain.json: `final-state-via:
 * azure-async-operation`): 202, `Azure-AsyncOperation` naming the status resource — absolute, and with the request's
 * api-version, which this server requires on every call — and `Retry-After` in whole seconds (Python's administration
 * client reads it as an integer). A poll of a running operation says when to poll again (Python waits 5 s otherwise).
 */
const POLL_AFTER_SECONDS = "1";

/** `statusPath`: the status resource below the HSM, e.g. "backup/{jobId}/pending". */
export function acceptedAsync(c: Context<AppEnv>, statusPath: string, body: unknown): Response {
  c.header("Azure-AsyncOperation", `${c.get("vaultBaseUrl")}/${statusPath}?api-version=${encodeURIComponent(c.get("apiVersion"))}`);
  c.header("Retry-After", POLL_AFTER_SECONDS);
  return c.json(body, 202);
}

export function polled(c: Context<AppEnv>, running: boolean, body: unknown): Response {
  if (running) c.header("Retry-After", POLL_AFTER_SECONDS);
  return c.json(body);
}
