import type { Agent } from "node:https";
import { send } from "../request.ts";
import type { Target } from "../target.ts";
import type { Scenario } from "./scenario.ts";
import { API_VERSION, bearer } from "./vault-api.ts";

/** The one secret the GET scenario reads; written once before any phase. */
export const SEED_SECRET = "bench";
const SEED_VALUE = "bench-value";

/**
 * Writes the secret the GET scenario reads and reads it back once, so a GET phase cannot "succeed" against a
 * route that answers 200 with something else.
 */
export async function seedSecret(agent: Agent, target: Target, token: string): Promise<void> {
  const path = `/secrets/${SEED_SECRET}?api-version=${API_VERSION}`;
  const written = await send(agent, target, { method: "PUT", path, headers: bearer(token), jsonBody: JSON.stringify({ value: SEED_VALUE }) });
  if (written.status !== 200) throw new Error(`writing the seed secret answered ${written.status}: ${written.body.slice(0, 300)}`);
  const read = await send(agent, target, { method: "GET", path: `/secrets/${SEED_SECRET}/?api-version=${API_VERSION}`, headers: bearer(token) });
  const value = read.status === 200 ? (JSON.parse(read.body) as { value?: unknown }).value : undefined;
  if (value !== SEED_VALUE) throw new Error(`reading the seed secret back answered ${read.status}: ${read.body.slice(0, 300)}`);
}

/** The SDK's `getSecret(name)`: the latest version, addressed with the empty version segment SDKs send. */
export function getLatestScenario(target: Target, token: string): Scenario {
  const spec = { method: "GET", path: `/secrets/${SEED_SECRET}/?api-version=${API_VERSION}`, headers: bearer(token) } as const;
  return {
    name: "GET secret (latest)",
    description: `GET https://${target.name}:<port>/secrets/${SEED_SECRET}/?api-version=${API_VERSION}, Bearer token`,
    target,
    expectedStatus: 200,
    request: () => spec,
  };
}

/**
 * The SDK's `setSecret`: every request creates a new version. Names rotate over a bounded set so that writes
 * spread over several rows instead of all piling new versions onto one, while the table stays small enough
 * that every name is rewritten many times in a phase (steady state, not first-write cost).
 */
export function setScenario(target: Target, token: string, names: number): Scenario {
  const headers = bearer(token);
  return {
    name: "SET secret",
    description:
      `PUT https://${target.name}:<port>/secrets/bench-set-<n>?api-version=${API_VERSION}, Bearer token, ` +
      `n = request number mod ${names} (bench-set-0 … bench-set-${names - 1}), body {"value":"v-<request number>"}`,
    target,
    expectedStatus: 200,
    request: (sequence) => ({
      method: "PUT",
      path: `/secrets/bench-set-${sequence % names}?api-version=${API_VERSION}`,
      headers,
      jsonBody: JSON.stringify({ value: `v-${sequence}` }),
    }),
  };
}
