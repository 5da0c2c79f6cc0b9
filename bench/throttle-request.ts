import type { Agent } from "node:https";
import { performance } from "node:perf_hooks";
import { send, type RequestSpec } from "./request.ts";
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

/** `send` (request.ts) with Retry-After and the times the throttle checks compare against the server's windows. */
export async function sendTimed(agent: Agent, target: Target, spec: RequestSpec, timeoutMs = 30_000): Promise<TimedReply> {
  const sentAtMs = Date.now();
  const started = performance.now();
  const reply = await send(agent, target, spec, timeoutMs);
  const retryAfter = reply.headers["retry-after"];
  return {
    status: reply.status,
    body: reply.body,
    retryAfter: Array.isArray(retryAfter) ? retryAfter.join(",") : retryAfter,
    sentAtMs,
    receivedAtMs: Date.now(),
    latencyMs: performance.now() - started,
  };
}
