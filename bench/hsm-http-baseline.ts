import { CpuMeter } from "./cpu.ts";
import type { BenchConfig } from "./config.ts";
import { HSM_CASES, HSM_KEYS, LONE_CASE } from "./hsm-cases.ts";
import { createKey, hsmScenario } from "./hsm-scenarios.ts";
import { measure, type Measurement } from "./measure.ts";
import { vaultNameOf, vaultTarget } from "./scenarios/vault-api.ts";
import { fixed } from "./table.ts";
import { createAgent, type Route } from "./target.ts";
import { ThrottleAdmin } from "./throttle-admin.ts";
import { startBenchServer } from "./throwaway-server.ts";
import { managedIdentityToken } from "./token.ts";

export interface HttpBaselineContext {
  readonly root: string;
  readonly signal: AbortSignal;
  readonly route: Route;
  readonly config: BenchConfig;
  readonly progress: (message: string) => void;
}

/**
 * Issue 21's "today": the per-request path to the bridge (HSM_BRIDGE_TRANSPORT=http — one HMAC-signed HTTP request
 * per operation, docs/hsm-channel.md), which the code keeps beside the channel. Measured in the same run as the
 * channel, on a second throwaway server that differs from the first only in that variable, with the same RSA-2048
 * RS256 sign request and phase lengths, so "≥ 2× today's" compares like with like. The first server idles meanwhile.
 */
export async function measureHttpTransport(ctx: HttpBaselineContext): Promise<Measurement> {
  ctx.progress("starting a second throwaway server with HSM_BRIDGE_TRANSPORT=http (issue 21's per-request path)…");
  const bench = await startBenchServer(ctx.root, ctx.signal, { HSM_BRIDGE_TRANSPORT: "http" });
  try {
    const { port, ca, server } = bench;
    const agent = createAgent(ca, 1);
    try {
      const tokenService = { name: "localhost", port, connectTo: ctx.route.connectTo };
      const token = await managedIdentityToken(agent, tokenService, server.identityHeader);
      const devVault = vaultNameOf(server.vaultUrl);
      await new ThrottleAdmin(`https://localhost:${port}`, server.operatorKey, ca, server.tenantId).liftLimits(devVault);
      const vault = vaultTarget(devVault, port, ctx.route);
      const signCase = HSM_CASES.find((c) => c.name === LONE_CASE);
      if (signCase === undefined) throw new Error(`${LONE_CASE}: not a case`);
      const { name, create } = HSM_KEYS[signCase.key];
      const key = await createKey(agent, vault, token, name, create);
      const scenario = await hsmScenario(agent, vault, token, signCase, key, "API, per-request HTTP to the bridge");
      const { keySeconds, warmupSeconds } = ctx.config;
      ctx.progress(`${scenario.name}: ${warmupSeconds} s warm-up + ${keySeconds} s…`);
      const result = await measure(scenario, { ca, config: ctx.config, meter: new CpuMeter(server.upstreamPort), seconds: keySeconds });
      ctx.progress(`${scenario.name}: ${fixed(result.summary.throughput, 0)} req/s`);
      return result;
    } finally {
      agent.destroy();
    }
  } finally {
    await bench.dispose();
  }
}
