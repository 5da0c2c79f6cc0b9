import type { CpuMeter } from "./cpu.ts";
import type { BenchConfig } from "./config.ts";
import { measure, totalErrors } from "./measure.ts";
import { echoScenario } from "./scenarios/echo.ts";
import { mean } from "./stats.ts";
import { ROUTES, type Route } from "./target.ts";

export interface RouteChoice {
  readonly chosen: Route;
  /** Mean echo throughput per route, in ROUTES order. */
  readonly probes: ReadonlyArray<{ readonly route: Route; readonly throughput: number }>;
}

const PROBE_ROUNDS = 2;
const PROBE_SECONDS = 1;
const PROBE_WARMUP_SECONDS = 0.5;

/**
 * Dials 127.0.0.1 directly and lets Node resolve the name (::1 here), with short echo phases alternating between
 * the two so that drift of the machine hits both alike, and keeps the faster for the real phases. With keep-alive
 * sockets name resolution only costs at connect time, so this mostly compares the IPv4 and IPv6 loopback paths.
 */
export async function chooseRoute(port: number, ca: string, config: BenchConfig, meter: CpuMeter): Promise<RouteChoice> {
  const samples = new Map<Route, number[]>(ROUTES.map((route) => [route, []]));
  for (let round = 0; round < PROBE_ROUNDS; round += 1) {
    for (const route of ROUTES) {
      const result = await measure(echoScenario("probe", port, route), {
        ca,
        config,
        meter,
        seconds: Math.min(PROBE_SECONDS, config.seconds),
        warmupSeconds: Math.min(PROBE_WARMUP_SECONDS, config.warmupSeconds),
      });
      // A failing probe means the server or the route is broken; measuring on would only produce noise.
      if (totalErrors(result) > 0) {
        throw new Error(`the echo probe over ${route.label} failed ${totalErrors(result)} time(s): ${result.errorSamples.join("; ")}`);
      }
      samples.get(route)?.push(result.summary.throughput);
    }
  }
  const probes = ROUTES.map((route) => ({ route, throughput: mean(samples.get(route) ?? []) }));
  const best = probes.reduce((a, b) => (b.throughput > a.throughput ? b : a));
  return { chosen: best.route, probes };
}
