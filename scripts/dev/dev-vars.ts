import { randomBytes } from "node:crypto";
import { readTextIfExists, writeFileAtomic } from "./files.ts";
import type { FileOutcome } from "./reporter.ts";

/** The Worker's secrets and switches for local development. */
export interface DevVars {
  /** Encrypts everything the vault stores: replacing it makes existing data unreadable, so it is never rotated here. */
  readonly ROOT_KEY: string;
  /** Bearer token for the admin API. */
  readonly OPERATOR_KEY: string;
  /** Turns on the credential-less IMDS / Cloud Shell token endpoints, which only make sense on a developer machine. */
  readonly LOCAL_IMDS: string;
}

export interface DevVarsOutcome {
  readonly vars: DevVars;
  readonly outcome: FileOutcome;
  /** Keys this run added or changed, for the report. */
  readonly changedKeys: readonly string[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/**
 * Makes sure the vars file holds the three values, keeping every line already there (a developer may add
 * their own) and only appending what is missing. LOCAL_IMDS is forced to true because the bootstrap relies on it.
 */
export async function ensureDevVars(path: string): Promise<DevVarsOutcome> {
  const existing = await readTextIfExists(path);
  const lines = existing === undefined || existing === "" ? [] : existing.replace(/\n$/, "").split("\n");
  const values = parseAssignments(lines);
  const changedKeys: string[] = [];

  const rootKey = values.get("ROOT_KEY") ?? appendAssignment(lines, changedKeys, "ROOT_KEY", randomBytes(32).toString("base64"));
  const operatorKey =
    values.get("OPERATOR_KEY") ?? appendAssignment(lines, changedKeys, "OPERATOR_KEY", randomBytes(32).toString("base64url"));
  if (values.get("LOCAL_IMDS") !== "true") {
    const index = lines.findIndex((line) => ASSIGNMENT.exec(line)?.[1] === "LOCAL_IMDS");
    if (index === -1) lines.push("LOCAL_IMDS=true");
    else lines[index] = "LOCAL_IMDS=true";
    changedKeys.push("LOCAL_IMDS");
  }

  const vars: DevVars = { ROOT_KEY: rootKey, OPERATOR_KEY: operatorKey, LOCAL_IMDS: "true" };
  if (changedKeys.length === 0) return { vars, outcome: "reused", changedKeys };
  // The file holds secrets: owner-only.
  await writeFileAtomic(path, `${lines.join("\n")}\n`, 0o600);
  return { vars, outcome: existing === undefined ? "created" : "updated", changedKeys };
}

/** True when the value is base64 of exactly 32 bytes, the key size the Worker expects. */
export function isWellFormedRootKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, "base64").length === 32;
}

function parseAssignments(lines: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) {
    const match = ASSIGNMENT.exec(line);
    const key = match?.[1];
    const raw = match?.[2];
    if (key === undefined || raw === undefined || line.trimStart().startsWith("#")) continue;
    values.set(key, unquote(raw));
  }
  return values;
}

/** Same quoting rules wrangler's dotenv parser applies, limited to what a hand-edited file plausibly contains. */
function unquote(raw: string): string {
  const quote = raw[0];
  if ((quote === '"' || quote === "'" || quote === "`") && raw.length >= 2 && raw.endsWith(quote)) {
    return raw.slice(1, -1);
  }
  const comment = raw.search(/\s#/);
  return comment === -1 ? raw : raw.slice(0, comment).trimEnd();
}

function appendAssignment(lines: string[], changedKeys: string[], key: string, value: string): string {
  lines.push(`${key}=${value}`);
  changedKeys.push(key);
  return value;
}
