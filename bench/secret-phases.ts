import type { Measurement, PhaseRunner } from "./measure.ts";
import { echoScenario } from "./scenarios/echo.ts";
import { getLatestScenario, seedSecret, setScenario } from "./scenarios/secrets.ts";
import { mean } from "./stats.ts";
import { createAgent, type Route, type Target } from "./target.ts";

export interface SecretPart {
  /** In the order they ran: echo (first), GET, SET, echo (last). */
  readonly measurements: readonly Measurement[];
  readonly first: Measurement;
  readonly get: Measurement;
  readonly last: Measurement;
  /** Mean echo throughput of the first and last phases. */
  readonly baseline: number;
}

export interface SecretPartContext {
  readonly ca: string;
  readonly port: number;
  readonly route: Route;
  readonly vault: Target;
  readonly token: string;
  readonly setNames: number;
  readonly run: PhaseRunner;
}

/**
 * Secret GET and SET beside a bare Worker→Durable Object echo. The echo brackets the vault scenarios so that
 * drift over the part shows, and averages out of the baseline.
 */
export async function runSecretPart(ctx: SecretPartContext): Promise<SecretPart> {
  const agent = createAgent(ctx.ca, 1);
  try {
    await seedSecret(agent, ctx.vault, ctx.token);
  } finally {
    agent.destroy();
  }
  const first = await ctx.run(echoScenario("echo (first)", ctx.port, ctx.route));
  const get = await ctx.run(getLatestScenario(ctx.vault, ctx.token));
  const set = await ctx.run(setScenario(ctx.vault, ctx.token, ctx.setNames));
  const last = await ctx.run(echoScenario("echo (last)", ctx.port, ctx.route));
  return { measurements: [first, get, set, last], first, get, last, baseline: mean([first.summary.throughput, last.summary.throughput]) };
}
