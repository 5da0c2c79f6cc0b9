import type { Agent } from "node:https";
import { request } from "node:https";
import { performance } from "node:perf_hooks";
import type { RequestSpec } from "./request.ts";
import type { Target } from "./target.ts";

/** A reply with what the throttle checks need beyond status and body: Retry-After, and when it was sent and answered. */
export interface TimedReply {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | undefined;
  /** Unix ms (the server's windows are aligned on the same wall clock). */
  readonly sentAtMs: number;
  readonly receivedAtMs: number;
  /** From sending to the last byte of the body, on the monotonic clock. */
  readonly latencyMs: number;
}

/**
 * `send` (request.ts) plus headers and times. Kept apart because request.ts answers status and body only;
 * the load phases there need nothing else and should not pay for it.
 */
export function sendTimed(agent: Agent, target: Target, spec: RequestSpec, timeoutMs = 30_000): Promise<TimedReply> {
  const headers: Record<string, string> = { host: `${target.name}:${target.port}`, accept: "application/json", ...spec.headers };
  if (spec.jsonBody !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(spec.jsonBody));
  }
  const sentAtMs = Date.now();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        method: spec.method,
        host: target.connectTo ?? target.name,
        port: target.port,
        path: spec.path,
        headers,
        servername: target.name,
        timeout: timeoutMs,
      },
      (response) => {
        const receivedAtMs = Date.now();
        const chunks: Buffer[] = [];
        const retryAfter = response.headers["retry-after"];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            retryAfter: Array.isArray(retryAfter) ? retryAfter.join(",") : retryAfter,
            sentAtMs,
            receivedAtMs,
            latencyMs: performance.now() - started,
          }),
        );
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${spec.method} ${spec.path} timed out after ${timeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(spec.jsonBody);
  });
}
