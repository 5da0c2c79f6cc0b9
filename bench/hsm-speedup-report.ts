import { cpus } from "node:os";
import { LONE_CASE } from "./hsm-cases.ts";
import type { HsmPart } from "./hsm-phases.ts";
import { allProcessesMs } from "./measure.ts";
import { fixed } from "./table.ts";

/** Issue 21: the HSM API's RSA-2048 RS256 sign rate against the per-request HTTP path's, in the same run. */
export const SPEEDUP_TARGET = 2;

/**
 * The speedup target and, beside it, what this machine allows. With every process of the bench on the same cores and
 * the phase CPU-bound, a rate of R req/s leaves cores × 1000 / R ms of CPU per request, all processes together. No
 * signing request can cost less than the bare echo (the same TLS front, proxy, Worker and Durable Object call, minus
 * everything else a request does) plus the token's own signature (the direct phase's CPU per operation): when that
 * floor is above the budget of the target rate, the target is out of reach here, whatever the path to the bridge.
 */
export function formatSpeedupTarget(part: Exclude<HsmPart, { readonly skipped: string }>): string {
  const row = part.rows.find((r) => r.hsmCase.name === LONE_CASE);
  if (row === undefined) return `target: ${LONE_CASE} ≥ ${SPEEDUP_TARGET}× the per-request HTTP path: not measured`;
  const channel = row.api.summary.throughput;
  const http = part.httpTransport.summary.throughput;
  const ratio = channel / http;
  const cores = cpus().length;
  const goal = SPEEDUP_TARGET * http;
  const budgetMs = (cores * 1000) / goal;
  const floorMs = allProcessesMs(part.echo) + row.direct.cpuMsPerOp;
  const reach =
    Number.isFinite(floorMs) && floorMs > budgetMs
      ? `out of reach on this machine: ${fixed(goal, 0)} req/s leaves ${fixed(budgetMs, 2)} ms of CPU per request on ${cores} cores, ` +
        `below the floor of ${fixed(floorMs, 2)} ms (echo ${fixed(allProcessesMs(part.echo), 2)} + the token's signature ` +
        `${fixed(row.direct.cpuMsPerOp, 2)})`
      : `within this machine's reach by CPU: ${fixed(budgetMs, 2)} ms per request at ${fixed(goal, 0)} req/s, floor ` +
        `${fixed(floorMs, 2)} ms`;
  return (
    `target: ${LONE_CASE} through the API ≥ ${SPEEDUP_TARGET}× the per-request HTTP path (HSM_BRIDGE_TRANSPORT=http, a ` +
    `second server in this run): ${fixed(channel, 0)} / ${fixed(http, 0)} req/s = ${fixed(ratio, 2)}× → ` +
    `${ratio >= SPEEDUP_TARGET ? "met" : "not met"}; ${reach}`
  );
}
