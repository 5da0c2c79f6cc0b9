import { APP_WORKERD } from "./cpu.ts";
import type { StreamResult } from "./overload-load.ts";
import type { OtherFailure } from "./report.ts";
import { percentile } from "./stats.ts";
import { fixed, renderTable } from "./table.ts";
import type { ThrottlePart } from "./throttle-phases.ts";

/** The target: throttling bookkeeping costs under this share of a request's time. */
export const BOOKKEEPING_TARGET = 0.05;

/**
 * µs per request of each kind of bookkeeping, and its share of a GET's time: at the GET phase's throughput each
 * request has 1/throughput of the server to itself, so this share is roughly the throughput it costs. The share
 * of the app workerd's CPU per GET is the same cost against what the vault's process spends (informational).
 */
export function formatBookkeeping(part: ThrottlePart): string {
  const { bookkeeping: b, get } = part;
  const perRequestUs = 1e6 / get.summary.throughput;
  const workerdShare = get.cpu?.byLabel.find(([label]) => label === APP_WORKERD)?.[1];
  const cpuUs = workerdShare === undefined ? Number.NaN : (workerdShare / 100 / get.summary.throughput) * 1e6;
  const total = b.admissionUs + b.counterAndAuditUs;
  const row = (name: string, us: number, ops: number | undefined) => [
    name,
    fixed(us, 2),
    `${fixed((us / perRequestUs) * 100, 2)}%`,
    `${fixed((us / cpuUs) * 100, 2)}%`,
    ops === undefined ? "" : String(ops),
  ];
  const table = renderTable(
    ["bookkeeping per request", "µs", "of GET time", `of ${APP_WORKERD} CPU/GET`, "timed ops"],
    [
      row("throttle admission", b.admissionUs, b.operations.admission),
      row("counter upsert + audit insert", b.counterAndAuditUs, b.operations.counterAndAudit),
      row("  audit insert alone (info)", b.auditInsertUs, b.operations.auditInsert),
      row("total", total, undefined),
    ],
  );
  const source = part.getMeasuredHere ? "a GET phase measured for this part" : "the secrets part's GET phase";
  const share = total / perRequestUs;
  return [
    "throttling bookkeeping, measured inside the Durable Object (no HTTP, writes rolled back):",
    table,
    `GET time per request: ${fixed(perRequestUs, 0)} µs = 1 / ${fixed(get.summary.throughput, 0)} req/s (${source}); ` +
      `${APP_WORKERD} CPU per GET ${fixed(cpuUs, 0)} µs.`,
    "The transactions' commit is not in these figures: the bench cannot commit without changing state.",
    `target: throttling bookkeeping < ${BOOKKEEPING_TARGET * 100}% of throughput: admission + counter upsert + audit insert = ` +
      `${fixed(share * 100, 2)}% of a GET's time → ${share < BOOKKEEPING_TARGET ? "PASS" : "FAIL"} (reported, not enforced)`,
  ].join("\n");
}

export function formatOverload(part: ThrottlePart, seconds: number): string {
  const [a, b] = part.overload;
  const retry = part.retry;
  const all = [...part.overload, retry.burst, ...part.tenant];
  const checked = all.reduce((sum, s) => sum + s.throttled, 0);
  const bad = all.reduce((sum, s) => sum + s.badRetryAfter, 0);
  const bOk = b.ok / Math.max(1, b.ok + b.throttled + b.errors);
  return [
    `overload: one aligned ${seconds} s window; vault A's secrets limit ${part.aLimit} per 10 s (half what GET pushed in 10 s), ` +
      `A at concurrency ${a.stream.concurrency}, B on the default limits at concurrency ${b.stream.concurrency} paced to ≤ ${b.stream.maxRate} req/s:`,
    streamTable([a, b]),
    `"200 by window" splits the 200s by the 10 s window they were answered in: the phase's last requests are answered ` +
      `in the next one. A's first window should hold its limit of ${part.aLimit}, give or take the requests in flight at its edges.`,
    `Retry-After: ${checked - bad} of ${checked} 429s (all phases) in 1..10 and ending the server's window ±1 s → ${bad === 0 && checked > 0 ? "PASS" : "FAIL"}`,
    retry.retryAfter === undefined
      ? "retry check: vault A was never throttled → FAIL"
      : `retry check: after a 429 with Retry-After ${retry.retryAfter} s, a GET sent when it elapsed answered ${retry.status} → ` +
        `${retry.status === 200 ? "PASS" : "FAIL"}`,
    `vault B beside the overloaded A: ${fixed(bOk * 100, 1)}% answered 200 at ${fixed(b.ok / (b.elapsedMs / 1000), 0)} req/s → ${bOk === 1 ? "PASS" : "FAIL"}`,
  ].join("\n");
}

export function formatTenantPhase(part: ThrottlePart, seconds: number): string {
  const [a, b] = part.tenant;
  return [
    `tenant limit: secrets ${part.tenantLimit} per 10 s for the whole tenant, A and B as above for ${seconds} s, then reset:`,
    streamTable([a, b]),
    `A and B share the tenant's ${part.tenantLimit} per window (A's first window also holds the retry check's GET); ` +
      "a vault may also spend a lease it took before the limit was lowered.",
    `vault B throttled by the tenant's limit (TenantRequestLimitReached): ${b.tenantThrottled} of ${b.ok + b.throttled} → ${b.tenantThrottled > 0 ? "PASS" : "FAIL"}`,
  ].join("\n");
}

function streamTable(results: readonly StreamResult[]): string {
  const rows = results.map((s) => {
    const sent = s.ok + s.throttled + s.errors;
    const perSecond = (n: number) => fixed(n / (s.elapsedMs / 1000), 0);
    const p = (values: number[], fraction: number) => fixed(percentile(Float64Array.from(values).sort(), fraction), 2);
    return [
      `vault ${s.stream.label}`,
      String(sent),
      String(s.ok),
      String(s.throttled),
      String(s.tenantThrottled),
      String(s.errors),
      `${fixed((s.throttled / Math.max(1, sent)) * 100, 1)}%`,
      perSecond(sent),
      perSecond(s.ok),
      [...s.okByWindow.values()].join(" + "),
      p(s.okLatenciesMs, 0.5),
      p(s.throttledLatenciesMs, 0.5),
      p(s.throttledLatenciesMs, 0.99),
    ];
  });
  const header = ["", "requests", "200", "429", "of which tenant", "errors", "429 share", "sent/s", "200/s", "200 by window", "200 p50 ms", "429 p50 ms", "429 p99 ms"];
  return renderTable(header, rows);
}

/** Everything that fails the run: unexpected answers, Retry-After problems, and the behaviour checks above. */
export function throttleFailures(part: ThrottlePart): OtherFailure[] {
  const failures: OtherFailure[] = [];
  const phases: Array<[string, readonly StreamResult[]]> = [
    ["overload", part.overload],
    ["retry check", [part.retry.burst]],
    ["tenant limit", part.tenant],
  ];
  for (const [phase, results] of phases) {
    for (const s of results) {
      if (s.errors + s.badRetryAfter === 0) continue;
      const name = `throttle ${phase}, vault ${s.stream.label}: ${s.errors} unexpected answers, ${s.badRetryAfter} bad Retry-After`;
      failures.push({ name, sample: s.samples.join(" | ") });
    }
  }
  const [a] = part.overload;
  if (a.throttled === 0) failures.push({ name: "throttle overload", sample: `vault A was never throttled at a limit of ${part.aLimit}` });
  if (part.retry.status !== 200) {
    failures.push({ name: "throttle retry check", sample: `the GET after Retry-After answered ${part.retry.status ?? "nothing (no 429 to wait out)"}` });
  }
  if (part.tenant[1].tenantThrottled === 0) {
    failures.push({ name: "throttle tenant limit", sample: `vault B got no TenantRequestLimitReached at a tenant limit of ${part.tenantLimit}` });
  }
  return failures;
}
