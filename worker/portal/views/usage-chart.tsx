import type { throttleUsageJson } from "../../wire/throttle-usage.ts";

/** The admin API's usage report as the throttling page reads it: the shape the route writes (wire/throttle-usage.ts). */
export type UsageReport = ReturnType<typeof throttleUsageJson>;

/** One bucket: its limit per window and the units admitted in each window, oldest first. */
export type UsageSeries = UsageReport["buckets"][number];

const WIDTH = 640;
const HEIGHT = 160;
const PAD = 28;

/** Start of window `i` as hh:mm:ss (UTC). */
const windowTime = (report: UsageReport, i: number): string =>
  new Date(Date.parse(report.from) + i * report.windowSeconds * 1000).toISOString().slice(11, 19);

/** One bucket's units per window as an inline SVG bar chart rendered on the server (no script, no inline CSS). */
export function UsageChart({ series, report }: { series: UsageSeries; report: UsageReport }) {
  const peak = Math.max(...series.used, 0);
  // The scale fits the peak; the limit is drawn when it falls inside (limits are usually far above local use).
  const top = Math.max(peak, 1) * 1.25;
  const limitInside = series.limit <= top;
  const scale = (HEIGHT - 2 * PAD) / (limitInside ? Math.max(top, series.limit * 1.1) : top);
  const barWidth = (WIDTH - 2 * PAD) / Math.max(series.used.length, 1);
  const title = `${series.bucket}: peak ${peak} of ${series.limit} per window (${((100 * peak) / series.limit).toFixed(2)} %)`;
  return (
    <figure>
      <svg class="chart" role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT}>
        <title>{title}</title>
        <line class="axis" x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} />
        {series.used.map((n, i) => (
          <rect class="bar" x={PAD + i * barWidth + 1} y={HEIGHT - PAD - n * scale} width={Math.max(barWidth - 2, 1)} height={n * scale}>
            <title>{`${windowTime(report, i)}: ${n}`}</title>
          </rect>
        ))}
        {limitInside ? <line class="limit" x1={PAD} x2={WIDTH - PAD} y1={HEIGHT - PAD - series.limit * scale} y2={HEIGHT - PAD - series.limit * scale} /> : null}
        <text x={PAD} y={PAD - 10}>{`peak ${peak} · limit ${series.limit} per ${report.windowSeconds} s${limitInside ? "" : " (above the chart)"}`}</text>
        <text x={PAD} y={HEIGHT - 8}>{windowTime(report, 0)}</text>
        <text x={WIDTH - PAD - 50} y={HEIGHT - 8}>{windowTime(report, series.used.length - 1)}</text>
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** The charts' numbers as a table (the text alternative; in a disclosure, so it works without script). */
export function UsageTable({ report }: { report: UsageReport }) {
  const rows = Array.from({ length: report.windows }, (_, i) => i).filter((i) => report.buckets.some((b) => (b.used[i] ?? 0) > 0));
  return (
    <details>
      <summary>Windows with any use, as a table</summary>
      <table>
        <caption>Units admitted per window (UTC start), limits in the header</caption>
        <thead>
          <tr>
            <th scope="col">Window</th>
            {report.buckets.map((b) => <th scope="col">{`${b.bucket} (limit ${b.limit})`}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr><td colspan={report.buckets.length + 1}>No use in these windows.</td></tr>
          ) : (
            rows.map((i) => (
              <tr>
                <th scope="row">{windowTime(report, i)}</th>
                {report.buckets.map((b) => <td>{String(b.used[i] ?? 0)}</td>)}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </details>
  );
}
