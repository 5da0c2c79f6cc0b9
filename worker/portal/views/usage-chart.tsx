/** One bucket's requests per window, drawn as an inline SVG bar chart rendered on the server (no script, no CSS inline). */
export interface UsageSeries {
  readonly bucket: string;
  readonly limit: number;
  /** Requests in each window, oldest first. */
  readonly counts: readonly number[];
  /** Window start times (ISO), as `counts`. */
  readonly starts: readonly string[];
}

const WIDTH = 640;
const HEIGHT = 160;
const PAD = 28;

export function UsageChart({ series }: { series: UsageSeries }) {
  const peak = Math.max(...series.counts, 0);
  // The scale fits the peak; the limit is drawn when it falls inside (limits are usually far above local use).
  const top = Math.max(peak, 1) * 1.25;
  const limitInside = series.limit <= top;
  const scale = (HEIGHT - 2 * PAD) / (limitInside ? Math.max(top, series.limit * 1.1) : top);
  const barWidth = (WIDTH - 2 * PAD) / Math.max(series.counts.length, 1);
  const title = `${series.bucket}: peak ${peak} of ${series.limit} per window (${((100 * peak) / series.limit).toFixed(2)} %)`;
  return (
    <figure>
      <svg class="chart" role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT}>
        <title>{title}</title>
        <line class="axis" x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} />
        {series.counts.map((n, i) => (
          <rect class="bar" x={PAD + i * barWidth + 1} y={HEIGHT - PAD - n * scale} width={Math.max(barWidth - 2, 1)} height={n * scale}>
            <title>{`${series.starts[i] ?? ""}: ${n}`}</title>
          </rect>
        ))}
        {limitInside ? <line class="limit" x1={PAD} x2={WIDTH - PAD} y1={HEIGHT - PAD - series.limit * scale} y2={HEIGHT - PAD - series.limit * scale} /> : null}
        <text x={PAD} y={PAD - 10}>{`peak ${peak} · limit ${series.limit} per 10 s${limitInside ? "" : " (above the chart)"}`}</text>
        <text x={PAD} y={HEIGHT - 8}>{series.starts[0]?.slice(11, 19) ?? ""}</text>
        <text x={WIDTH - PAD - 50} y={HEIGHT - 8}>{series.starts.at(-1)?.slice(11, 19) ?? ""}</text>
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
