import type { Route } from "../target.ts";
import type { Scenario } from "./scenario.ts";

/**
 * The baseline: the same wrangler proxy, TLS, Worker and Worker→Durable Object RPC as a vault call, minus
 * auth, validation, storage and crypto. Served on the non-vault host, only when BENCH_ECHO is "true".
 */
export function echoScenario(name: string, port: number, route: Route): Scenario {
  return {
    name,
    description: "GET https://localhost:<port>/_bench/echo (Worker → Durable Object RPC, no auth, no storage)",
    target: { name: "localhost", port, connectTo: route.connectTo },
    expectedStatus: 200,
    request: () => ({ method: "GET", path: "/_bench/echo" }),
  };
}
