/**
 * Where an HSM request's extra CPU goes, process by process: per case, each process's CPU ms per request served in
 * the HSM API phase minus the same in the software-key phase (hsm-phases.ts). The Node label holds wrangler, the
 * TLS front and the bridge, whose libuv threads also do the token's work: that work (the direct side's CPU ms/op)
 * is taken out there, so the columns add up to the hop cost of the main table.
 */
import { LOAD_GENERATOR, APP_WORKERD } from "./cpu.ts";
import type { HsmRow } from "./hsm-phases.ts";
import type { Measurement } from "./measure.ts";
import { fixed, renderTable } from "./table.ts";

const NODE_SERVERS = "wrangler + TLS front (node)";
const PROXY = "workerd proxy";
const COLUMNS = [LOAD_GENERATOR, NODE_SERVERS, PROXY, APP_WORKERD] as const;

export function formatHopByProcess(rows: readonly HsmRow[]): string {
  const table = renderTable(
    ["hop by process, HSM − software ms/req", "load generator", "wrangler, TLS front, bridge (less the token)", "workerd proxy", "workerd app", "sum"],
    rows.map(({ hsmCase, api, software, direct }) => {
      const deltas = COLUMNS.map((label) => msOf(api, label) - msOf(software, label) - (label === NODE_SERVERS ? direct.cpuMsPerOp : 0));
      return [hsmCase.name, ...deltas.map((delta) => fixed(delta, 2)), fixed(deltas.reduce((sum, delta) => sum + delta, 0), 2)];
    }),
  );
  return `${table}\n(the software key's own crypto runs in "workerd app", so that column is the HSM path's saving there less the Worker's crypto)`;
}

/** One label's CPU per request served; NaN without CPU figures. */
function msOf(m: Measurement, label: string): number {
  const share = m.cpu?.byLabel.find(([name]) => name === label)?.[1];
  return share === undefined ? Number.NaN : (share / 100 / m.summary.throughput) * 1000;
}
