import { generateKey } from "../wasm-hsm/bridge/keys/generate.ts";
import { SOFTHSM_MODULE } from "../scripts/dev/hsm-bridge.ts";
import type { BenchConfig } from "./config.ts";
import { HSM_CASES, HSM_KEYS, LONE_CASE, type HsmCase, type HsmKeyKind } from "./hsm-cases.ts";
import { directMaterial, type DirectMaterial } from "./hsm-direct.ts";
import { DirectProcesses } from "./hsm-direct-processes.ts";
import type { DirectRate } from "./hsm-direct-rate.ts";
import { measureHttpTransport, type HttpBaselineContext } from "./hsm-http-baseline.ts";
import { createHsmKeys, hsmScenario } from "./hsm-scenarios.ts";
import { echoScenario } from "./scenarios/echo.ts";
import { bridgeShape, openDirectToken } from "./hsm-token.ts";
import type { Measurement, PhaseRunner } from "./measure.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { fixed } from "./table.ts";
import { createAgent, type Target } from "./target.ts";

/** One case: through the vault API, straight on the token with the same PKCS#11 calls, and on a software key. */
export interface HsmRow {
  readonly hsmCase: HsmCase;
  readonly api: Measurement;
  readonly direct: DirectRate & { readonly description: string };
  /** The same request on the software twin (hsm-cases.ts), right after the API phase: the hop's reference. */
  readonly software: Measurement;
}

/** One request in flight: no batching, no queue, the hop's latency as one caller sees it. */
const LONE_CONCURRENCY = 1;
/** The lone phase runs this many times BENCH_KEY_SECONDS: a p99 of a few hundred requests is their 4th worst. */
const LONE_PHASE_FACTOR = 3;

export type HsmPart =
  | { readonly skipped: string }
  | {
      readonly rows: readonly HsmRow[];
      /** LONE_CASE through the API with one request in flight, for `loneSeconds`. */
      readonly lone: Measurement;
      readonly loneSeconds: number;
      /** The bare Worker→Durable Object echo on this server, right before `httpTransport`: the least any request costs. */
      readonly echo: Measurement;
      /** LONE_CASE at full concurrency over the per-request HTTP path, on a second server (hsm-http-baseline.ts). */
      readonly httpTransport: Measurement;
      /** The bridge's shape (bridge.json), which the direct side copies. */
      readonly workers: number;
      readonly sessions: number;
      readonly callersPerProcess: number;
      readonly tokenLabel: string;
    };

export interface HsmPartContext extends Omit<HttpBaselineContext, "progress" | "config"> {
  readonly ca: string;
  readonly port: number;
  readonly vault: Target;
  readonly token: string;
  /** `<stateDir>/hsm` of the bench server's bridge; undefined when it runs without one. */
  readonly bridgeDir: string | undefined;
  readonly config: BenchConfig;
  readonly run: PhaseRunner;
  readonly progress: (message: string) => void;
}

/**
 * One operation waiting behind each running one keeps every session busy back to back (a session runs one
 * operation at a time, PKCS#11 v2.40 §5.6); more callers would only lengthen the pool's queue.
 */
const CALLERS_PER_SESSION = 2;

/**
 * Creates the HSM keys through the API and prepares each case's request; makes an equivalent key per kind on
 * the same token and starts the direct processes; then per case the direct rate and, right after it, the API
 * phase and the software-key phase, so each ratio and each hop cost compares phases seconds apart on a machine whose
 * speed drifts; then RSA-2048 RS256 with one request in flight; last, the echo and RSA-2048 RS256 over the
 * per-request HTTP path on a second server (issue 21's "today").
 */
export async function runHsmPart(ctx: HsmPartContext): Promise<HsmPart> {
  if (ctx.bridgeDir === undefined) {
    return { skipped: `the bench server has no HSM bridge: SoftHSM2 is not installed (${SOFTHSM_MODULE}; apt-get install softhsm2)` };
  }
  const agent = createAgent(ctx.ca, 1);
  let processes: DirectProcesses | undefined;
  try {
    ctx.progress("creating the HSM keys through the API and preparing each case…");
    const versions = await createHsmKeys(agent, ctx.vault, ctx.token);
    const scenarios: Array<{ readonly hsm: Scenario; readonly software: Scenario }> = [];
    for (const c of HSM_CASES) {
      const { hsm, software } = versions[c.key];
      scenarios.push({
        hsm: await hsmScenario(agent, ctx.vault, ctx.token, c, hsm, "API"),
        software: await hsmScenario(agent, ctx.vault, ctx.token, c, software, "software-key API"),
      });
    }

    ctx.progress("generating equivalent keys on the bench server's SoftHSM2 token and starting the direct processes…");
    const materials = await prepareDirect(ctx.bridgeDir);
    const shape = bridgeShape(ctx.bridgeDir);
    const callersPerProcess = CALLERS_PER_SESSION * shape.sessions;
    processes = await DirectProcesses.start(shape.workers, ctx.bridgeDir, materials, callersPerProcess);

    const rows: HsmRow[] = [];
    for (const [index, hsmCase] of HSM_CASES.entries()) {
      const scenario = scenarios[index];
      const description = processes.descriptions[index];
      if (scenario === undefined || description === undefined) throw new Error(`${hsmCase.name}: not prepared`);
      ctx.progress(`${hsmCase.name} direct: ${ctx.config.warmupSeconds} s warm-up + ${ctx.config.keySeconds} s on the token…`);
      const rate = await processes.rate(index, ctx.config.warmupSeconds, ctx.config.keySeconds);
      ctx.progress(`${hsmCase.name} direct: ${fixed(rate.opsPerSecond, 0)} ops/s`);
      const api = await ctx.run(scenario.hsm, ctx.config.keySeconds);
      const software = await ctx.run(scenario.software, ctx.config.keySeconds);
      rows.push({ hsmCase, api, direct: { ...rate, description }, software });
    }
    const loneScenario = scenarios[HSM_CASES.findIndex((c) => c.name === LONE_CASE)]?.hsm;
    if (loneScenario === undefined) throw new Error(`${LONE_CASE}: not a case`);
    const loneSeconds = ctx.config.keySeconds * LONE_PHASE_FACTOR;
    const lone = await ctx.run(loneScenario, loneSeconds, LONE_CONCURRENCY);
    const echo = await ctx.run(echoScenario("echo (hsm part)", ctx.port, ctx.route), ctx.config.keySeconds);
    const httpTransport = await measureHttpTransport(ctx);
    return { rows, lone, loneSeconds, echo, httpTransport, workers: shape.workers, sessions: shape.sessions, callersPerProcess, tokenLabel: shape.label };
  } finally {
    await processes?.close();
    agent.destroy();
  }
}

/**
 * One key per kind, made by the bridge's own generate (templates and all), and what each case works on, in
 * HSM_CASES order. The keys stay on the token, which lives in the run's state directory and goes with it.
 */
async function prepareDirect(bridgeDir: string): Promise<DirectMaterial[]> {
  const direct = await openDirectToken(bridgeDir);
  try {
    const keyIds = new Map<HsmKeyKind, string>();
    for (const kind of Object.keys(HSM_KEYS) as HsmKeyKind[]) {
      keyIds.set(kind, (await generateKey(direct.context, HSM_KEYS[kind].generate)).id);
    }
    const materials: DirectMaterial[] = [];
    for (const c of HSM_CASES) {
      const keyId = keyIds.get(c.key);
      if (keyId === undefined) throw new Error(`${c.name}: no token key of kind ${c.key}`);
      materials.push(await directMaterial(direct.context, c, keyId));
    }
    return materials;
  } finally {
    direct.close();
  }
}
