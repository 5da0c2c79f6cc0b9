import { LONE_CASE } from "./hsm-cases.ts";
import type { HsmPart } from "./hsm-phases.ts";
import { hopMs } from "./hsm-hop.ts";
import { allProcessesMs } from "./measure.ts";
import { fixed } from "./table.ts";

/** Issue 21: the HSM API's RSA-2048 RS256 sign rate against the per-request HTTP path's, in the same run. */
export const SPEEDUP_TARGET = 2;

/**
 * The speedup target and, beside it, whether the hop can reach it. Both transports share everything but the way to
 * the bridge: the TLS front, wrangler's proxy, the Worker and the Durable Object, the load generator (the request
 * path) and the token's signature. With every process on the same cores and the phases CPU-bound, the rate ratio is
 * the ratio of CPU per request, all processes: HTTP ÷ channel. Were the channel's hop to cost nothing, the ratio
 * would be HTTP ÷ (channel − hop); when even that is short of the target, no change to the link can meet it: it
 * needs the shared path to shrink by 2 × channel − HTTP ms, which shrinks the HTTP path by as much.
 */
export function formatSpeedupTarget(part: Exclude<HsmPart, { readonly skipped: string }>): string {
  const row = part.rows.find((r) => r.hsmCase.name === LONE_CASE);
  if (row === undefined) return `target: ${LONE_CASE} ≥ ${SPEEDUP_TARGET}× the per-request HTTP path: not measured`;
  const channel = row.api.summary.throughput;
  const http = part.httpTransport.summary.throughput;
  const ratio = channel / http;
  const httpMs = allProcessesMs(part.httpTransport);
  const channelMs = allProcessesMs(row.api);
  const hop = Math.max(0, hopMs(row));
  const bound = httpMs / (channelMs - hop);
  const reach = !Number.isFinite(bound)
    ? "(no CPU figures on this machine)"
    : `CPU per request, all processes: HTTP ${fixed(httpMs, 2)} ms, channel ${fixed(channelMs, 2)} ms (${fixed(httpMs / channelMs, 2)}×), ` +
      `of which the hop ${fixed(hop, 2)} ms; with a hop costing nothing ${fixed(bound, 2)}× — ` +
      (bound < SPEEDUP_TARGET
        ? `out of reach by the link: ${SPEEDUP_TARGET}× needs the path both transports share to shrink by ` +
          `${fixed(SPEEDUP_TARGET * channelMs - httpMs, 2)} ms per request`
        : "within reach by the link");
  return (
    `target: ${LONE_CASE} through the API ≥ ${SPEEDUP_TARGET}× the per-request HTTP path (HSM_BRIDGE_TRANSPORT=http, a ` +
    `second server in this run): ${fixed(channel, 0)} / ${fixed(http, 0)} req/s = ${fixed(ratio, 2)}× → ` +
    `${ratio >= SPEEDUP_TARGET ? "met" : "not met"}; ${reach}`
  );
}
