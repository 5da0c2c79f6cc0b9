import type { CpuProfile } from "./profile-inspector.ts";

/**
 * Where a CPU profile's time went, per request served: by source module and by function. The bundle is esbuild's
 * unminified output, which opens each module with a `// path/to/module.ts` line; a function belongs to the module of
 * the last such line above it. Frames with no script are the runtime's own work (SQLite calls, RPC, WebCrypto, V8's
 * garbage collector), named as V8 names them.
 *
 * V8 samples by wall-clock time: on a busy machine a long native call is charged the time the thread was preempted
 * too. Compare profiles taken the same way, and read the bench's CPU meters for totals (docs/performance.md).
 */
export interface ProfileRow {
  readonly name: string;
  /** Self time per request served, ms. */
  readonly msPerRequest: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMsPerRequest: number;
  readonly byModule: readonly ProfileRow[];
  readonly byFunction: readonly ProfileRow[];
}

const MODULE_MARKER = /^\/\/ ((?:[\w@.-]+\/)*[\w@.-]+\.(?:[cm]?[jt]sx?|json|sql))$/;
const RUNTIME = "(runtime)";

/** Line numbers (0-based, as V8 reports them) where each module of the bundle begins. */
export function moduleStarts(bundle: string): { readonly line: number; readonly module: string }[] {
  const starts: { line: number; module: string }[] = [];
  bundle.split("\n").forEach((text, line) => {
    const marker = MODULE_MARKER.exec(text);
    if (marker?.[1] !== undefined) starts.push({ line, module: marker[1] });
  });
  return starts;
}

function moduleAt(starts: readonly { line: number; module: string }[], line: number): string {
  let low = 0;
  let high = starts.length - 1;
  let found = "(bundle prelude)";
  while (low <= high) {
    const middle = (low + high) >> 1;
    const start = starts[middle];
    if (start === undefined) break;
    if (start.line <= line) {
      found = start.module;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

export function summarizeProfile(profile: CpuProfile, bundle: string, requests: number, top = 25): ProfileSummary {
  const starts = moduleStarts(bundle);
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byNode.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === "(idle)") continue;
    busyUs += us;
    const module = frame.url === "" ? RUNTIME : frame.url.startsWith("node-internal:") ? frame.url : moduleAt(starts, frame.lineNumber);
    const name = `${frame.functionName === "" ? "(anonymous)" : frame.functionName} ${module}${frame.url === "" ? "" : `:${frame.lineNumber + 1}`}`;
    modules.set(module, (modules.get(module) ?? 0) + us);
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const rows = (totals: Map<string, number>): ProfileRow[] =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, msPerRequest: us / 1000 / requests, share: busyUs === 0 ? 0 : us / busyUs }));
  return { busyMsPerRequest: busyUs / 1000 / requests, byModule: rows(modules), byFunction: rows(functions) };
}
