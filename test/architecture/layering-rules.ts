import type { ImportEdge } from "./import-graph.ts";

/**
 * The one dependency rule of the layout (docs/architecture.md): arrows point into `core/`, never out of it, and
 * never from `durable-objects/` to `worker/`. The Worker may name Durable Object classes as types (for stubs);
 * its entry point alone re-exports them, because wrangler binds the classes the main module exports. The `kv`
 * command line (`cli/`) is a deployable of its own that talks to the server over its public APIs only: it may
 * import `core/`, never the Worker, the Durable Objects or the bridge, and nothing imports it.
 */
const WORKER_ENTRY = "worker/index.ts";

const layerOf = (path: string): string => path.split("/")[0] ?? "";

export function ruleViolations(edges: readonly ImportEdge[]): string[] {
  return edges.flatMap((edge) => {
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    const arrow = `${edge.from} → ${edge.to}`;
    if (from === "core" && to !== "core") return [`core imports outside itself: ${arrow}`];
    if (from === "cli" && to !== "cli" && to !== "core") return [`the command line imports beyond core/: ${arrow}`];
    if (to === "cli" && from !== "cli") return [`the command line is imported: ${arrow}`];
    if (from === "durable-objects" && to === "worker") return [`a Durable Object imports the Worker: ${arrow}`];
    if (from === "worker" && to === "durable-objects" && !edge.typeOnly && edge.from !== WORKER_ENTRY) {
      return [`the Worker imports Durable Object code (types only): ${arrow}`];
    }
    return [];
  });
}

/** Import cycles (strongly connected components of more than one file, or a file importing itself), types included. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm, iterative-free for clarity: the graphs here have a few hundred nodes.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfLoop = (next.get(node) ?? []).includes(node);
    if (component.length > 1 || selfLoop) cycles.push(component.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
