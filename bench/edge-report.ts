import type { BenchConfig } from "./config.ts";
import type { EdgePart } from "./edge-phases.ts";
import { BIG_LIST_NAMES, DEEP_PAGE, names, SMALL_LIST_NAMES } from "./edge-setup.ts";
import type { Measurement } from "./measure.ts";
import { formatBaseline, formatResults } from "./report.ts";
import { EDGE_SECRETS } from "./scenarios/edge.ts";
import { DEFAULT_PAGE_SIZE } from "./scenarios/list-pages.ts";
import { fixed } from "./table.ts";

/** Issue 20's targets, reported, never enforced. */
export const CONDITIONAL_TARGET = 1.2;
export const CACHED_TARGET = 1.5;
export const BATCH_TARGET = 10;
/** List pages are flat in vault size when the big vault's pages are within this share of the small vault's first. */
export const LIST_TOLERANCE = 0.25;

const verdict = (met: boolean) => (met ? "met" : "not met");
const rate = (m: Measurement) => m.summary.throughput;
const times = (ratio: number) => `${fixed(ratio, 2)}×`;

export function formatEdgeResults(part: EdgePart, config: BenchConfig): string {
  const { setup } = part;
  const seeded = SMALL_LIST_NAMES + BIG_LIST_NAMES;
  const cachedNote =
    "skipped" in setup.cached
      ? `GET secret version, edge cache on: skipped, ${setup.cached.skipped}`
      : `GET secret version, edge cache on: the same GETs in vault bench-edge-cached, its edgeCache setting on; ` +
        `cache headers of a repeated read: ${setup.cached.cacheHeaders}`;
  return [
    "edge reads (issue 20, docs/edge-reads.md):",
    formatResults(part.measurements, part.baseline),
    `  ${cachedNote}`,
    `  list pages: vaults bench-list-small (${names(SMALL_LIST_NAMES)}) and bench-list-big (${names(BIG_LIST_NAMES)}), ` +
      `default page size ${DEFAULT_PAGE_SIZE}; ${seeded.toLocaleString("en-US")} secrets written by the vault objects in ` +
      `${fixed(setup.seedSeconds, 1)} s (POST /_bench/seed-secrets, ${fixed(seeded / setup.seedSeconds, 0)}/s), the walk along ` +
      `nextLinks to page ${DEEP_PAGE} untimed (${fixed(setup.walkSeconds, 1)} s, ${fixed(setup.bigPageMs, 1)} ms a page one at a time` +
      `${"abandoned" in setup.deepPage ? `; ${setup.deepPage.abandoned}` : ""}).`,
    ...(part.listConcurrency < config.concurrency
      ? [
          `  warning: the list phases ran at concurrency ${part.listConcurrency}, not ${config.concurrency}: a page of ` +
            `bench-list-big took ${fixed(setup.bigPageMs, 0)} ms in the walk, so with ${config.concurrency} in flight each ` +
            `request would queue ~${fixed((setup.bigPageMs * config.concurrency) / 1000, 0)} s in its vault object, toward ` +
            "the 30 s request timeout. All three list phases ran at the same concurrency.",
        ]
      : []),
    formatBaseline(part.first, part.last, part.baseline),
  ].join("\n");
}

export function formatEdgeTargets(part: EdgePart): string {
  const conditional = rate(part.conditional) / part.baseline;
  const lines = [
    conditionalTarget(part),
    `  (the same 304 through the vault object, edge cache off: ${fixed(rate(part.conditional), 0)} / ` +
      `${fixed(part.baseline, 0)} req/s = ${times(conditional)})`,
    cachedTarget(part),
    ceiling(part),
    batchTarget(part),
    listTarget(part),
  ];
  return lines.join("\n");
}

/** The 304 that is cheap to serve: a kept version's, answered by the Worker alone (docs/edge-reads.md). */
function conditionalTarget(part: EdgePart): string {
  const head = `target: GET of a secret version with If-None-Match (304), edge cache on, ≥ ${CONDITIONAL_TARGET}× echo: `;
  if ("skipped" in part.cachedConditional) return `${head}skipped (${part.cachedConditional.skipped})`;
  const ratio = rate(part.cachedConditional) / part.baseline;
  return `${head}${fixed(rate(part.cachedConditional), 0)} / ${fixed(part.baseline, 0)} req/s = ${times(ratio)} → ${verdict(ratio >= CONDITIONAL_TARGET)}`;
}

function cachedTarget(part: EdgePart): string {
  const head = `target: GET of a secret version, edge cache on, ≥ ${CACHED_TARGET}× echo: `;
  if ("skipped" in part.cached) return `${head}skipped (${part.cached.skipped})`;
  const ratio = rate(part.cached) / part.baseline;
  return `${head}${fixed(rate(part.cached), 0)} / ${fixed(part.baseline, 0)} req/s = ${times(ratio)} → ${verdict(ratio >= CACHED_TARGET)}`;
}

/**
 * What the harness allows the two edge targets: a kept read runs in the Worker with no Durable Object call, so it
 * cannot outrun the Worker alone through the same proxy, TLS front and load generator. When that ceiling is below a
 * target, no edge path can meet it on this machine; the rest of the distance is the harness, not the vault.
 */
function ceiling(part: EdgePart): string {
  const ratio = rate(part.workerAlone) / part.baseline;
  const unreachable = [
    ...(ratio < CACHED_TARGET ? [`${CACHED_TARGET}×`] : []),
    ...(ratio < CONDITIONAL_TARGET ? [`${CONDITIONAL_TARGET}×`] : []),
  ];
  return (
    `  (ceiling: the Worker alone, no Durable Object, ${fixed(rate(part.workerAlone), 0)} / ${fixed(part.baseline, 0)} req/s = ` +
    `${times(ratio)} echo; ${unreachable.length === 0 ? "both targets lie below it" : `out of reach through this harness: ${unreachable.join(" and ")}`})`
  );
}

function batchTarget(part: EdgePart): string {
  const secretsPerSecond = rate(part.batch) * EDGE_SECRETS;
  const ratio = secretsPerSecond / rate(part.get);
  return (
    `target: batch get ≥ ${BATCH_TARGET}× the secrets per second of single GETs: ${EDGE_SECRETS} × ${fixed(rate(part.batch), 0)} req/s = ` +
    `${fixed(secretsPerSecond, 0)} secrets/s / ${fixed(rate(part.get), 0)} GET/s = ${times(ratio)} → ${verdict(ratio >= BATCH_TARGET)}`
  );
}

function listTarget(part: EdgePart): string {
  const base = rate(part.smallFirst);
  const pages: Array<{ readonly label: string; readonly ratio?: number; readonly shown: string }> = [
    { label: "page 1", ratio: rate(part.bigFirst) / base, shown: `${fixed(rate(part.bigFirst), 0)} req/s` },
    "skipped" in part.bigDeep
      ? { label: `page ${DEEP_PAGE}`, shown: `skipped (${part.bigDeep.skipped})` }
      : { label: `page ${DEEP_PAGE}`, ratio: rate(part.bigDeep) / base, shown: `${fixed(rate(part.bigDeep), 0)} req/s` },
  ];
  const judged = pages.flatMap((p) => (p.ratio === undefined ? [] : [p.ratio]));
  const flat = judged.every((ratio) => Math.abs(ratio - 1) <= LIST_TOLERANCE);
  // A page out of tolerance decides it; a skipped page cannot make it met.
  const outcome = !flat ? "not met" : judged.length === pages.length ? "met" : "not judged";
  const shown = pages.map((p) => `${p.label} ${p.shown}${p.ratio === undefined ? "" : ` = ${times(p.ratio)}`}`).join(", ");
  return (
    `target: list pages flat in vault size, page 1 and page ${DEEP_PAGE} of ${names(BIG_LIST_NAMES)} within ` +
    `${LIST_TOLERANCE * 100}% of page 1 of ${names(SMALL_LIST_NAMES)} (${fixed(base, 0)} req/s): ${shown} → ${outcome}`
  );
}
