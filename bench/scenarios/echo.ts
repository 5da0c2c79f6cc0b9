import type { Route, Target } from "../target.ts";
import type { Scenario } from "./scenario.ts";

/** The non-vault host, where the Worker serves the /_bench/* baselines. */
export function benchTarget(port: number, route: Route): Target {
  return { name: "localhost", port, connectTo: route.connectTo };
}

/**
 * The baseline: the same wrangler proxy, TLS, Worker and Worker→Durable Object RPC as a vault call, minus
 * auth, validation, storage and crypto. Served on the non-vault host, only when BENCH_ECHO is "true".
 */
export function echoScenario(name: string, port: number, route: Route): Scenario {
  return {
    name,
    description: "GET https://localhost:<port>/_bench/echo (Worker → Durable Object RPC, no auth, no storage)",
    target: benchTarget(port, route),
    expectedStatus: 200,
    request: () => ({ method: "GET", path: "/_bench/echo" }),
  };
}

/**
 * The ceiling of reads the Worker answers alone (issue 20's edge cache): the same wrangler proxy, TLS and Worker as
 * the echo, without its Durable Object call. A kept read does more than this, so it cannot be faster.
 */
export function workerAloneScenario(name: string, port: number, route: Route): Scenario {
  return {
    name,
    description: "GET https://localhost:<port>/_bench/worker (the Worker alone: no Durable Object, no auth, no storage)",
    target: benchTarget(port, route),
    expectedStatus: 200,
    request: () => ({ method: "GET", path: "/_bench/worker" }),
  };
}
