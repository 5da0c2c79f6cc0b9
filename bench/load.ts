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

/** Failures of a phase: how many, and the first few distinct ones. */
export class ErrorTally {
  count = 0;
  readonly samples: string[] = [];

  note(text: string): void {
    this.count += 1;
    if (this.samples.length < MAX_ERROR_SAMPLES && !this.samples.includes(text)) this.samples.push(text);
  }
}

/** One request of a phase: its latency if the answer is what the scenario expects, otherwise what went wrong. */
export type Outcome = { readonly ok: true; readonly latencyMs: number } | { readonly ok: false; readonly problem: string };

/** Sends the scenario's `sequence`-th request and judges the answer by its status and `check`. */
export async function attempt(agent: Agent, scenario: Scenario, sequence: number): Promise<Outcome> {
  const spec = scenario.request(sequence);
  const sentAt = performance.now();
  try {
    const reply = await send(agent, scenario.target, spec);
    const latencyMs = performance.now() - sentAt;
    const statusOk = reply.status === scenario.expectedStatus;
    const problem = statusOk ? scenario.check?.(reply.body) : undefined;
    if (statusOk && problem === undefined) return { ok: true, latencyMs };
    const why = problem === undefined ? "" : ` but ${problem}:`;
    return { ok: false, problem: `${spec.method} ${spec.path} → ${reply.status}${why} ${reply.body.slice(0, 200)}` };
  } catch (error) {
    return { ok: false, problem: `${spec.method} ${spec.path} → ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * A closed loop: `concurrency` workers each send a request, wait for its answer and send the next, so exactly
 * that many are in flight until the time or the request budget runs out. No new request starts after the
 * deadline, and the ones in flight are waited for and counted, so elapsed time covers every counted request.
 */
export async function drive(agent: Agent, scenario: Scenario, phase: Phase): Promise<PhaseResult> {
  const latencies = new Float64Array(phase.maxRequests);
  let issued = 0;
  let succeeded = 0;
  const errors = new ErrorTally();

  const started = performance.now();
  const deadline = started + phase.durationMs;
  const worker = async () => {
    while (issued < phase.maxRequests && performance.now() < deadline) {
      const outcome = await attempt(agent, scenario, issued++);
      if (outcome.ok) latencies[succeeded++] = outcome.latencyMs;
      else errors.note(outcome.problem);
    }
  };
  await Promise.all(Array.from({ length: phase.concurrency }, worker));
  return {
    completed: succeeded + errors.count,
    errors: errors.count,
    errorSamples: errors.samples,
    latenciesMs: latencies.subarray(0, succeeded),
    elapsedMs: performance.now() - started,
  };
}
