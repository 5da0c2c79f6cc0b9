import type { Agent } from "node:https";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { attempt, ErrorTally, type PhaseResult } from "./load.ts";
import type { Scenario } from "./scenarios/scenario.ts";

export interface OpenLoopPhase {
  /** Requests started per second, evenly spaced, whether or not earlier ones have been answered. */
  readonly rate: number;
  readonly durationMs: number;
  readonly maxRequests: number;
}

export interface OpenLoopResult extends PhaseResult {
  /** How late each request left against its slot in the schedule (timer granularity, a busy event loop). */
  readonly lagMs: Float64Array;
  /** The most requests in flight at once. */
  readonly maxInFlight: number;
}

/**
 * An open loop: request i is due at start + i / rate, sent when due without waiting for any answer, so the offered
 * load is fixed and a slow answer cannot hold back the next request (a closed loop slows down with the server and
 * hides its queueing). Latency runs from when a request is actually sent; the lag between its slot and that moment
 * is kept apart, so a load generator that fell behind shows instead of passing for server latency. The schedule ends
 * at the deadline; the requests still in flight are waited for and counted.
 */
export async function driveOpenLoop(agent: Agent, scenario: Scenario, phase: OpenLoopPhase): Promise<OpenLoopResult> {
  const total = Math.min(phase.maxRequests, Math.max(1, Math.floor((phase.durationMs / 1000) * phase.rate)));
  const intervalMs = 1000 / phase.rate;
  const latencies = new Float64Array(total);
  const lag = new Float64Array(total);
  const errors = new ErrorTally();
  const inFlight = new Set<Promise<void>>();
  let succeeded = 0;
  let maxInFlight = 0;

  const fire = (sequence: number, lateMs: number) => {
    lag[sequence] = lateMs;
    const request = attempt(agent, scenario, sequence).then((outcome) => {
      if (outcome.ok) latencies[succeeded++] = outcome.latencyMs;
      else errors.note(outcome.problem);
      inFlight.delete(request);
    });
    inFlight.add(request);
    maxInFlight = Math.max(maxInFlight, inFlight.size);
  };

  const started = performance.now();
  for (let issued = 0; issued < total; ) {
    const now = performance.now();
    // Everything whose slot has come, late ones included: skipping them would lower the offered rate.
    while (issued < total && started + issued * intervalMs <= now) {
      fire(issued, now - (started + issued * intervalMs));
      issued += 1;
    }
    if (issued < total) await sleep(Math.max(0, started + issued * intervalMs - performance.now()));
  }
  while (inFlight.size > 0) await Promise.all(inFlight);
  return {
    completed: succeeded + errors.count,
    errors: errors.count,
    errorSamples: errors.samples,
    latenciesMs: latencies.subarray(0, succeeded),
    elapsedMs: performance.now() - started,
    lagMs: lag,
    maxInFlight,
  };
}
