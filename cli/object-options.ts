import { existsSync, writeFileSync } from "node:fs";
import { list, str, type OptionSpec, type OptionValues } from "./command.ts";
import { CliError, UsageError } from "./errors.ts";
import type { Progress } from "./progress.ts";
import { ServiceError } from "./errors.ts";

/** Options the secret, key and certificate commands share, with az's names. */
export const NAME = { name: { type: "string", short: "n", required: true, description: "Name of the object." } } as const satisfies Record<string, OptionSpec>;
export const VERSION = { version: { type: "string", short: "v", description: "Version (default: the latest)." } } as const satisfies Record<string, OptionSpec>;
export const TAGS = { tags: { type: "string", multiple: true, description: "A tag as key=value; repeat for more (--tags env=dev --tags team=a)." } } as const satisfies Record<string, OptionSpec>;
export const TIMES = {
  expires: { type: "string", description: "Expiry, ISO 8601 (2030-01-31T00:00:00Z)." },
  "not-before": { type: "string", description: "Not valid before, ISO 8601." },
} as const satisfies Record<string, OptionSpec>;
export const FILE = { file: { type: "string", short: "f", required: true, description: "File to write (refused if it exists) or read." } } as const satisfies Record<string, OptionSpec>;

export function tagsOf(options: OptionValues): Record<string, string> | undefined {
  const pairs = list(options, "tags");
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      return at === -1 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

export function epochOf(options: OptionValues, name: string): number | undefined {
  const value = str(options, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new UsageError(`--${name}: '${value}' is not an ISO 8601 time.`);
  return Math.floor(ms / 1000);
}

export function booleanOf(options: OptionValues, name: string): boolean | undefined {
  const value = str(options, name);
  if (value === undefined) return undefined;
  if (value !== "true" && value !== "false") throw new UsageError(`--${name} takes true or false.`);
  return value === "true";
}

/** `{enabled, exp, nbf}` from the options given; undefined when none is. */
export function attributesOf(options: OptionValues, enabled: boolean | undefined): Record<string, unknown> | undefined {
  const attributes = { enabled, exp: epochOf(options, "expires"), nbf: epochOf(options, "not-before") };
  const set = Object.entries(attributes).filter(([, value]) => value !== undefined);
  return set.length === 0 ? undefined : Object.fromEntries(set);
}

export const segment = (value: string): string => encodeURIComponent(value);
export const versioned = (collection: string, options: OptionValues): string =>
  `/${collection}/${segment(str(options, "name") as string)}${str(options, "version") === undefined ? "" : `/${segment(str(options, "version") as string)}`}`;

/** az refuses to overwrite a download target; so do we. Owner-only: downloads hold secrets and key material. */
export function writeNewFile(path: string, data: string | Buffer): void {
  if (existsSync(path)) throw new CliError(`File or directory ${path} already exists.`);
  writeFileSync(path, data, { mode: 0o600, flag: "wx" });
}

/**
 * Waits until `probe` stops answering 404: deletes and recoveries complete shortly after the call in Azure and
 * here (docs/long-running-operations.md), and az's pollers wait for them the same way.
 */
export async function waitUntilFound(progress: Progress, message: string, probe: () => Promise<unknown>): Promise<unknown> {
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      return await probe();
    } catch (error) {
      if (!(error instanceof ServiceError) || error.status !== 404) throw error;
      await progress.wait(message, 500);
    }
  }
  throw new CliError(`${message}: still not done after 30 s.`);
}

/** Waits until `probe` answers 404 (a recovered object has left the deleted collection). */
export async function waitUntilGone(progress: Progress, message: string, probe: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      await probe();
    } catch (error) {
      if (error instanceof ServiceError && error.status === 404) return;
      throw error;
    }
    await progress.wait(message, 500);
  }
  throw new CliError(`${message}: still not done after 30 s.`);
}
