import { setTimeout as sleep } from "node:timers/promises";
import { httpsJson } from "./https-json.ts";
import type { WranglerProcess } from "./wrangler-process.ts";

export const HEALTH_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 500;

export interface HealthTarget {
  readonly origin: string;
  readonly ca: string;
  readonly wrangler: WranglerProcess;
  readonly timeoutMs?: number;
}

/**
 * Polls `GET /healthz` until it answers 200 `{"status":"ok"}`. Stops early if wrangler exits (a build error, a
 * bad flag), and quotes wrangler's output either way so the reason is on screen.
 */
export async function waitForHealth(target: HealthTarget): Promise<void> {
  const timeoutMs = target.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let exitedWith: string | undefined;
  void target.wrangler.exited.then((how) => {
    exitedWith = how;
  });
  let frontListening = false;
  // A rejection means wrangler exited, which `exitedWith` reports.
  target.wrangler.upstreamPort.then(
    () => {
      frontListening = true;
    },
    () => undefined,
  );
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(`wrangler exited (${exitedWith}) before ${target.origin}/healthz answered.\n${quoted(target.wrangler)}`);
    }
    const problem = await healthProblem(`${target.origin}/healthz`, target.ca);
    if (problem === undefined) return;
    lastProblem = problem;
    await sleep(POLL_INTERVAL_MS);
  }
  // wrangler reports start-up errors itself (worker-host.ts), so which of these two it is narrows the search.
  const stage = frontListening
    ? "the front listens, so the Worker behind it did not answer"
    : "wrangler had neither finished starting nor reported an error";
  throw new Error(
    `${target.origin}/healthz did not answer 200 within ${timeoutMs / 1000} s (last: ${lastProblem}); ${stage}.\n${quoted(target.wrangler)}`,
  );
}

/** Why the health endpoint at this URL is not healthy, or undefined if it is. */
export async function healthProblem(url: string, ca: string): Promise<string | undefined> {
  try {
    const response = await httpsJson({ url, ca, timeoutMs: 5_000 });
    if (response.status !== 200) return `HTTP ${response.status} ${response.text.slice(0, 200)}`;
    const body = response.json;
    if (typeof body !== "object" || body === null || !("status" in body) || body.status !== "ok") {
      return `unexpected body ${response.text.slice(0, 200)}`;
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function quoted(wrangler: WranglerProcess): string {
  const output = wrangler.output().trim();
  const printed = output === "" ? "wrangler printed nothing." : `wrangler output:\n${output}`;
  return `${printed}\nIts whole log: ${wrangler.logPath}`;
}
