import type { Agent } from "node:https";
import { outputBytes, type KeyCase } from "../key-cases.ts";
import { send } from "../request.ts";
import type { Route } from "../target.ts";
import { benchTarget } from "./echo.ts";
import { jsonObject } from "./reply.ts";
import type { Scenario } from "./scenario.ts";

/**
 * The keys API's baseline: the echo's path (wrangler proxy, TLS, Worker, Worker→Durable Object RPC) plus one
 * raw primitive with a key the Durable Object made and prepared once; no auth, lookup, key_ops, storage or JSON
 * body. Served only when BENCH_ECHO is "true"; the reply is the primitive's output length.
 */
export function primitiveScenario(c: KeyCase, port: number, route: Route): Scenario {
  const path = `/_bench/primitive/${c.name}`;
  const expected = outputBytes(c);
  return {
    name: `${c.name} primitive`,
    description: `GET https://localhost:<port>${path} (Worker → Durable Object RPC + one raw ${c.name}, no auth, no storage)`,
    target: benchTarget(port, route),
    expectedStatus: 200,
    request: () => ({ method: "GET", path }),
    check: (body) => (jsonObject(body)?.bytes === expected ? undefined : `expected {"bytes":${expected}}`),
  };
}

export interface PrimitiveRate {
  /** Operations per second of the primitive run back to back inside the Durable Object; NaN if it failed. */
  readonly opsPerSecond: number;
  /** Why the rate is missing; fails the run like a failed request. */
  readonly error?: string;
}

/**
 * The primitive's ceiling in this runtime: the Durable Object runs it back to back for `seconds` and reports
 * how many it did; one request, so no HTTP cost is in the figure.
 */
export async function primitiveRate(agent: Agent, c: KeyCase, port: number, route: Route, seconds: number): Promise<PrimitiveRate> {
  const path = `/_bench/primitive-rate/${c.name}?ms=${Math.round(seconds * 1000)}`;
  try {
    const reply = await send(agent, benchTarget(port, route), { method: "GET", path });
    const fields = reply.status === 200 ? jsonObject(reply.body) : undefined;
    const operations = fields?.operations;
    const elapsed = fields?.seconds;
    if (typeof operations === "number" && typeof elapsed === "number" && operations > 0 && elapsed > 0) {
      return { opsPerSecond: operations / elapsed };
    }
    return { opsPerSecond: Number.NaN, error: `GET ${path} → ${reply.status} ${reply.body.slice(0, 200)}` };
  } catch (error) {
    return { opsPerSecond: Number.NaN, error: `GET ${path} → ${error instanceof Error ? error.message : String(error)}` };
  }
}
