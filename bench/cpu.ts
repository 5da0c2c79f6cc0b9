import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { listensOn } from "./listening-process.ts";

/**
 * Who burns the CPU during a phase: this process (the load generator), wrangler's Node process (which also runs
 * the dev server's TLS front, scripts/dev/strict-front.ts), and its two workerd processes (the one listening on
 * wrangler's internal port proxies; the other runs the Worker and the Durable Objects). On a small machine they all compete for the same cores, so these shares say whether
 * a number measures the vault or the machine. Linux only (/proc); elsewhere `sample` returns undefined.
 */
export interface CpuSample {
  readonly atMs: number;
  readonly selfMicros: number;
  /** CPU ticks consumed so far by each process below this one, and what it is. */
  readonly children: ReadonlyMap<number, { readonly label: string; readonly ticks: number }>;
  /** Whole-machine busy and total ticks, from /proc/stat. */
  readonly machineBusy: number;
  readonly machineTotal: number;
}

export interface CpuShares {
  /** Percent of one core, per label, the load generator first. */
  readonly byLabel: ReadonlyArray<readonly [string, number]>;
  /** Percent of all cores busy, whoever used them. */
  readonly machineBusyPercent: number;
  /**
   * Labels of server processes that exited during the phase: wrangler restarts workerd when it reloads the Worker
   * (it watches the project's files), and such a phase measured a reload as much as the vault.
   */
  readonly exited: readonly string[];
}

export const LOAD_GENERATOR = "bench (node)";
/** The workerd that runs the Worker and the Durable Objects (the other one only proxies). */
export const APP_WORKERD = "workerd app";

export class CpuMeter {
  readonly #ticksPerSecond = clockTicksPerSecond();
  readonly #labels = new Map<number, string>();

  /** `serverPort`, wrangler's internal port, tells the proxying workerd (it listens there) from the one running the Worker. */
  constructor(private readonly serverPort: number) {}

  sample(): CpuSample | undefined {
    try {
      const children = new Map<number, { label: string; ticks: number }>();
      for (const child of descendantsOf(process.pid)) {
        children.set(child.pid, { label: this.#label(child.pid, child.comm), ticks: child.ticks });
      }
      const usage = process.cpuUsage();
      const machine = machineTicks();
      return { atMs: performance.now(), selfMicros: usage.user + usage.system, children, ...machine };
    } catch {
      return undefined;
    }
  }

  shares(before: CpuSample | undefined, after: CpuSample | undefined): CpuShares | undefined {
    if (before === undefined || after === undefined) return undefined;
    const seconds = (after.atMs - before.atMs) / 1000;
    if (seconds <= 0) return undefined;
    const ticks = new Map<string, number>();
    for (const [pid, child] of after.children) {
      // Per process, not per label: a process that started mid-phase counts from zero, and one that exited
      // (its ticks gone with it) must not turn its label's total negative.
      const used = child.ticks - (before.children.get(pid)?.ticks ?? 0);
      ticks.set(child.label, (ticks.get(child.label) ?? 0) + used);
    }
    const byLabel: Array<readonly [string, number]> = [[LOAD_GENERATOR, ((after.selfMicros - before.selfMicros) / 1e6 / seconds) * 100]];
    for (const [label, used] of ticks) byLabel.push([label, (used / this.#ticksPerSecond / seconds) * 100]);
    const exited = [...before.children].filter(([pid]) => !after.children.has(pid)).map(([, child]) => child.label);
    const total = after.machineTotal - before.machineTotal;
    const machineBusyPercent = total > 0 ? ((after.machineBusy - before.machineBusy) / total) * 100 : Number.NaN;
    return { byLabel, machineBusyPercent, exited };
  }

  #label(pid: number, comm: string): string {
    const known = this.#labels.get(pid);
    if (known !== undefined) return known;
    let label = "esbuild etc.";
    if (comm === "workerd") {
      label = listensOn(pid, this.serverPort) ? "workerd proxy" : APP_WORKERD;
    } else if (comm === "node") {
      label = "wrangler + TLS front (node)";
    }
    this.#labels.set(pid, label);
    return label;
  }
}

interface ProcessTicks {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly ticks: number;
}

/** Every process below `root` (not `root` itself), with its user+system CPU ticks from /proc/<pid>/stat. */
function descendantsOf(root: number): ProcessTicks[] {
  const all: ProcessTicks[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // comm sits in parentheses and may itself contain spaces or parentheses; the fields after the last ")" are fixed.
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    // After comm: state(3) ppid(4) … utime(14) stime(15), so offsets 1, 11 and 12 here.
    all.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      comm: stat.slice(open + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
    });
  }
  const found: ProcessTicks[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const candidate of all) {
      if (candidate.ppid !== parent) continue;
      found.push(candidate);
      frontier.push(candidate.pid);
    }
  }
  return found;
}

function machineTicks(): { machineBusy: number; machineTotal: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the not-busy columns.
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { machineBusy: total - idle, machineTotal: total };
}

function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    // USER_HZ is 100 on every mainstream Linux build.
    return 100;
  }
}
