import { performance } from "node:perf_hooks";
import type { RequestSpec } from "./request.ts";
import { retryAfterProblem, throttleReason, WINDOW_MS } from "./retry-after.ts";
import { createAgent, type Target } from "./target.ts";
import { sendTimed, type TimedReply } from "./throttle-request.ts";

/** One vault's share of an overload phase: a closed loop like load.ts, optionally paced, where 429 may be an answer. */
export interface Stream {
  readonly label: string;
  readonly target: Target;
  readonly spec: RequestSpec;
  readonly concurrency: number;
  /** At most this many requests per second over the stream (Infinity: as fast as answers come back). */
  readonly maxRate: number;
  /** Whether 429 Throttled is an answer this stream may get; when not, every 429 is an error. */
  readonly throttleExpected: boolean;
}

export interface StreamResult {
  readonly stream: Stream;
  readonly ok: number;
  readonly throttled: number;
  /** 429s naming the tenant-wide limit (TenantRequestLimitReached); the rest named the vault's. */
  readonly tenantThrottled: number;
  readonly okLatenciesMs: number[];
  readonly throttledLatenciesMs: number[];
  /** 200s by the throttle window they were answered in (Unix ms of its start), in order. */
  readonly okByWindow: Map<number, number>;
  /** 429s whose Retry-After was missing, out of 1..10 or off the server's window (retry-after.ts). */
  readonly badRetryAfter: number;
  readonly errors: number;
  /** The first few distinct failures, Retry-After problems included. */
  readonly samples: string[];
  /** The first 429 with a valid Retry-After, for the retry check. */
  readonly firstThrottle: TimedReply | undefined;
  readonly elapsedMs: number;
}

const MAX_SAMPLES = 5;

/**
 * Drives every stream at once for `durationMs`, each on an agent of its own, and classifies every answer.
 * With `stopAtFirstThrottle`, a stream stops sending once it has seen a 429 (the in-flight ones still count).
 */
export async function driveStreams(
  ca: string,
  streams: readonly Stream[],
  durationMs: number,
  options: { readonly stopAtFirstThrottle?: boolean } = {},
): Promise<StreamResult[]> {
  return Promise.all(streams.map((stream) => driveStream(ca, stream, durationMs, options.stopAtFirstThrottle ?? false)));
}

async function driveStream(ca: string, stream: Stream, durationMs: number, stopAtFirstThrottle: boolean): Promise<StreamResult> {
  const agent = createAgent(ca, stream.concurrency);
  const result = {
    stream,
    ok: 0,
    throttled: 0,
    tenantThrottled: 0,
    okLatenciesMs: [] as number[],
    throttledLatenciesMs: [] as number[],
    okByWindow: new Map<number, number>(),
    badRetryAfter: 0,
    errors: 0,
    samples: [] as string[],
    firstThrottle: undefined as TimedReply | undefined,
    elapsedMs: 0,
  };
  const note = (text: string) => {
    const sample = `${stream.label}: ${text}`;
    if (result.samples.length < MAX_SAMPLES && !result.samples.includes(sample)) result.samples.push(sample);
  };
  const spec = stream.spec;
  const intervalMs = Number.isFinite(stream.maxRate) ? 1000 / stream.maxRate : 0;
  const started = performance.now();
  const deadline = started + durationMs;
  let nextSlot = started;
  const classify = (reply: TimedReply) => {
    if (reply.status === 200) {
      result.ok += 1;
      result.okLatenciesMs.push(reply.latencyMs);
      const window = Math.floor(reply.receivedAtMs / WINDOW_MS) * WINDOW_MS;
      result.okByWindow.set(window, (result.okByWindow.get(window) ?? 0) + 1);
      return;
    }
    const reason = reply.status === 429 ? throttleReason(reply.body) : undefined;
    if (reason === undefined || !stream.throttleExpected) {
      result.errors += 1;
      note(`${spec.method} ${spec.path} → ${reply.status} ${reply.body.slice(0, 200)}`);
      return;
    }
    result.throttled += 1;
    result.throttledLatenciesMs.push(reply.latencyMs);
    if (reason === "tenant") result.tenantThrottled += 1;
    const problem = retryAfterProblem(reply);
    if (problem !== undefined) {
      result.badRetryAfter += 1;
      note(problem);
    } else {
      result.firstThrottle ??= reply;
    }
  };
  const worker = async () => {
    for (;;) {
      if (stopAtFirstThrottle && result.throttled > 0) return;
      const now = performance.now();
      // Pacing: each request takes the next free slot; none starts after the deadline.
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + intervalMs;
      if (slot >= deadline) return;
      if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
      try {
        classify(await sendTimed(agent, stream.target, spec));
      } catch (error) {
        result.errors += 1;
        note(`${spec.method} ${spec.path} → ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: stream.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  result.elapsedMs = performance.now() - started;
  return result;
}
