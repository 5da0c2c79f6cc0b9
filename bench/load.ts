import type { Agent } from "node:https";
import { performance } from "node:perf_hooks";
import { send } from "./request.ts";
import type { Scenario } from "./scenarios/scenario.ts";

export interface Phase {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly maxRequests: number;
}

export interface PhaseResult {
  /** Requests that got an answer or failed, whatever the outcome. */
  readonly completed: number;
  readonly errors: number;
  /** The first few distinct failures, verbatim enough to act on. */
  readonly errorSamples: readonly string[];
  /** Latency of each successful request, in completion order. */
  readonly latenciesMs: Float64Array;
  /** From the first request sent to the last answer received, tail included. */
  readonly elapsedMs: number;
}

const MAX_ERROR_SAMPLES = 5;

/**
 * A closed loop: `concurrency` workers each send a request, wait for its answer and send the next, so exactly
 * that many are in flight until the time or the request budget runs out. No new request starts after the
 * deadline, and the ones in flight are waited for and counted, so elapsed time covers every counted request.
 */
export async function drive(agent: Agent, scenario: Scenario, phase: Phase): Promise<PhaseResult> {
  const latencies = new Float64Array(phase.maxRequests);
  let issued = 0;
  let succeeded = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const noteError = (text: string) => {
    errors += 1;
    if (errorSamples.length < MAX_ERROR_SAMPLES && !errorSamples.includes(text)) errorSamples.push(text);
  };

  const started = performance.now();
  const deadline = started + phase.durationMs;
  const worker = async () => {
    while (issued < phase.maxRequests && performance.now() < deadline) {
      const spec = scenario.request(issued);
      issued += 1;
      const sentAt = performance.now();
      try {
        const reply = await send(agent, scenario.target, spec);
        const latency = performance.now() - sentAt;
        const statusOk = reply.status === scenario.expectedStatus;
        const problem = statusOk ? scenario.check?.(reply.body) : undefined;
        if (statusOk && problem === undefined) {
          latencies[succeeded] = latency;
          succeeded += 1;
        } else {
          const why = problem === undefined ? "" : ` but ${problem}:`;
          noteError(`${spec.method} ${spec.path} → ${reply.status}${why} ${reply.body.slice(0, 200)}`);
        }
      } catch (error) {
        noteError(`${spec.method} ${spec.path} → ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: phase.concurrency }, worker));
  return {
    completed: succeeded + errors,
    errors,
    errorSamples,
    latenciesMs: latencies.subarray(0, succeeded),
    elapsedMs: performance.now() - started,
  };
}
