import { performance } from "node:perf_hooks";

/** What one direct process did in its timed phase. */
export interface DirectCount {
  readonly operations: number;
  readonly elapsedMs: number;
  /** The process's CPU: the token runs on its libuv threads, so that is the token's cost plus the loop's. */
  readonly cpuMs: number;
}

export interface DirectRate {
  readonly opsPerSecond: number;
  readonly cpuMsPerOp: number;
}

/**
 * A closed loop like the load generator's (bench/load.ts): `callers` operations in flight for `seconds` after an
 * untimed warm-up; none starts after the deadline, and the ones in flight are waited for and counted.
 */
export async function countDirect(
  run: () => Promise<unknown>,
  callers: number,
  warmupSeconds: number,
  seconds: number,
): Promise<DirectCount> {
  await loop(run, callers, warmupSeconds);
  const before = process.cpuUsage();
  const { operations, elapsedMs } = await loop(run, callers, seconds);
  const cpu = process.cpuUsage(before);
  return { operations, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The processes ran side by side, so their rates add up. */
export function directRate(counts: readonly DirectCount[]): DirectRate {
  const operations = counts.reduce((sum, count) => sum + count.operations, 0);
  return {
    opsPerSecond: counts.reduce((sum, count) => sum + (count.operations / count.elapsedMs) * 1000, 0),
    cpuMsPerOp: counts.reduce((sum, count) => sum + count.cpuMs, 0) / operations,
  };
}

async function loop(run: () => Promise<unknown>, callers: number, seconds: number): Promise<{ operations: number; elapsedMs: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let operations = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        await run();
        operations += 1;
      }
    }),
  );
  return { operations, elapsedMs: performance.now() - started };
}
