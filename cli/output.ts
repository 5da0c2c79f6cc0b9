import jmespath from "jmespath";
import { stringify as toYaml } from "yaml";
import { UsageError } from "./errors.ts";

export const OUTPUT_FORMATS = ["json", "jsonc", "table", "tsv", "yaml", "none"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputFormat(value: string | undefined): OutputFormat {
  const format = value ?? process.env.KV_OUTPUT ?? "json";
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`argument --output/-o: invalid choice: '${format}' (choose from ${OUTPUT_FORMATS.join(", ")})`);
  return format as OutputFormat;
}

/** `--query` is JMESPath, as az's (the jmespath reference implementation); a bad expression is a usage error. */
export function applyQuery(result: unknown, query: string | undefined): unknown {
  if (query === undefined) return result;
  try {
    return jmespath.search(result, query) as unknown;
  } catch (error) {
    throw new UsageError(`argument --query: invalid jmespath query supplied for '--query': ${(error as Error).message}`);
  }
}

export function render(result: unknown, format: OutputFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(result, null, 2)}\n`;
    case "jsonc":
      return `${colorJson(JSON.stringify(result, null, 2))}\n`;
    case "yaml":
      return toYaml(result);
    case "tsv":
      return tsv(result);
    case "table":
      return table(result);
    case "none":
      return "";
  }
}

const COLOR = { key: "\x1b[94m", string: "\x1b[32m", literal: "\x1b[36m", reset: "\x1b[0m" };

/** az's jsonc: keys, strings and literals in colour. */
function colorJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (match, quoted: string | undefined, colon: string | undefined) => {
    if (quoted !== undefined) return colon !== undefined ? `${COLOR.key}${quoted}${COLOR.reset}${colon}` : `${COLOR.string}${quoted}${COLOR.reset}`;
    return `${COLOR.literal}${match}${COLOR.reset}`;
  });
}

/**
 * az's tsv (knack's TsvOutput): one line per item; an object's values in sorted key order, a nested object as
 * an empty field and a list as its length; a scalar as itself, `null` as None and booleans as Python prints them.
 */
function tsv(result: unknown): string {
  const rows = Array.isArray(result) ? result : [result];
  return rows.map((row) => `${tsvRow(row)}\n`).join("");
}

function tsvRow(row: unknown): string {
  if (Array.isArray(row)) return row.map(tsvField).join("\t");
  if (typeof row === "object" && row !== null) {
    return Object.keys(row)
      .sort()
      .map((key) => tsvField((row as Record<string, unknown>)[key]))
      .join("\t");
  }
  if (typeof row === "boolean") return String(row);
  return tsvField(row);
}

function tsvField(value: unknown): string {
  if (Array.isArray(value)) return String(value.length);
  if (typeof value === "object" && value !== null) return "";
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

/** az's table: the scalar fields of each item as columns (nested values left to --query), headers capitalised. */
function table(result: unknown): string {
  const rows = (Array.isArray(result) ? result : [result]).map((row): Record<string, unknown> => (typeof row === "object" && row !== null && !Array.isArray(row) ? (row as Record<string, unknown>) : { Result: row }));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row).filter((key) => isScalar(row[key]))))];
  if (columns.length === 0) return "";
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const headers = columns.map((column) => column.charAt(0).toUpperCase() + column.slice(1));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((line) => (line[i] ?? "").length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

const isScalar = (value: unknown): boolean => value === null || value === undefined || typeof value !== "object";
const cell = (value: unknown): string => (value === null || value === undefined ? "" : String(value));
