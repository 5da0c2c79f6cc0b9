import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** One import of one project file by another: paths relative to the project root, `/`-separated. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`: erased at build time, so it ties no code together. */
  readonly typeOnly: boolean;
}

/** `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`; the first group marks type-only. */
const IMPORT = /(?:^|[;\s])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The relative imports of one file's text; package imports are not the layering's business. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const edges: ImportEdge[] = [];
  for (const match of withoutComments.matchAll(IMPORT)) {
    const specifier = match[2] ?? match[3];
    if (specifier === undefined || !specifier.startsWith(".")) continue;
    const to = join(dirname(file), specifier).split("\\").join("/");
    edges.push({ from: file, to, typeOnly: match[1] !== undefined });
  }
  return edges;
}

function sourceFiles(root: string, dir: string): string[] {
  const full = join(root, dir);
  return readdirSync(full).flatMap((name) => {
    if (name === "node_modules") return [];
    const path = join(full, name);
    if (statSync(path).isDirectory()) return sourceFiles(root, relative(root, path));
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [relative(root, path).split("\\").join("/")] : [];
  });
}

/** Every relative import of every TypeScript file under `dirs` of the project at `root`. */
export function projectImports(root: string, dirs: readonly string[]): ImportEdge[] {
  return dirs.flatMap((dir) => sourceFiles(resolve(root), dir)).flatMap((file) => importsOf(file, readFileSync(join(root, file), "utf8")));
}
