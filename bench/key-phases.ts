import type { BenchConfig } from "./config.ts";
import type { CpuMeter, CpuShares } from "./cpu.ts";
import { KEY_CASES, type KeyCase } from "./key-cases.ts";
import type { Measurement, PhaseRunner } from "./measure.ts";
import { createBenchKeys, keyScenario } from "./scenarios/keys.ts";
import { primitiveRate, primitiveScenario, type PrimitiveRate } from "./scenarios/primitives.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { createAgent, type Route, type Target } from "./target.ts";

/** One algorithm and operation: through the API, as the raw primitive through the same path, and alone. */
export interface KeyRow {
  readonly keyCase: KeyCase;
  readonly primitive: Measurement;
  readonly rate: PrimitiveRate & { readonly cpu: CpuShares | undefined };
  readonly api: Measurement;
}

export interface KeyPartContext {
  readonly ca: string;
  readonly port: number;
  readonly route: Route;
  readonly vault: Target;
  readonly token: string;
  readonly config: BenchConfig;
  readonly meter: CpuMeter;
  readonly run: PhaseRunner;
  readonly progress: (message: string) => void;
}

/**
 * Creates the keys and prepares every case's request (signatures and ciphertexts made once, through the API),
 * then per case: the primitive through the same path, its in-runtime rate, and the API right after, so each
 * ratio compares phases a few seconds apart on the same server.
 */
export async function runKeyPart(ctx: KeyPartContext): Promise<KeyRow[]> {
  const agent = createAgent(ctx.ca, 1);
  try {
    ctx.progress("creating the bench keys through the API and preparing each case…");
    await createBenchKeys(agent, ctx.vault, ctx.token);
    const prepared: Array<{ keyCase: KeyCase; scenario: Scenario }> = [];
    for (const keyCase of KEY_CASES) prepared.push({ keyCase, scenario: await keyScenario(agent, ctx.vault, ctx.token, keyCase) });

    const rows: KeyRow[] = [];
    for (const { keyCase, scenario } of prepared) {
      const primitive = await ctx.run(primitiveScenario(keyCase, ctx.port, ctx.route), ctx.config.keySeconds);
      ctx.progress(`${keyCase.name} in-runtime rate: ${ctx.config.rateSeconds} s inside the Durable Object…`);
      const before = ctx.meter.sample();
      const rate = await primitiveRate(agent, keyCase, ctx.port, ctx.route, ctx.config.rateSeconds);
      const cpu = ctx.meter.shares(before, ctx.meter.sample());
      const api = await ctx.run(scenario, ctx.config.keySeconds);
      rows.push({ keyCase, primitive, rate: { ...rate, cpu }, api });
    }
    return rows;
  } finally {
    agent.destroy();
  }
}
