import type { ConfigStore } from "./config.ts";
import type { Session } from "./session.ts";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  readonly required?: boolean;
  readonly description: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface CommandContext {
  readonly options: OptionValues;
  /** Words after `--` (the child command of `kv run`). */
  readonly passthrough: readonly string[];
  readonly store: ConfigStore;
  /** The signed-in profile (`--profile`, KV_PROFILE or the default); opened on first use. */
  session(): Session;
}

/**
 * One command, described once: its words (`key rotation-policy show`), help (a summary and an example, shown by
 * `--help`), options (strictly parsed: an unknown flag is a usage error), and what it does. A command's result is
 * printed in the `-o` format after `--query`; `undefined` prints nothing.
 */
export interface Command {
  readonly path: string;
  readonly summary: string;
  readonly example: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly acceptsPassthrough?: boolean;
  run(context: CommandContext): Promise<unknown>;
}

/** Options every vault data-plane command takes (az's --vault-name / --id style addressing). */
export const VAULT_OPTIONS = {
  "vault-name": { type: "string", description: "Name of the vault (resolved under the profile's vault domain)." },
  "vault-url": { type: "string", description: "URL of the vault, e.g. https://dev.vault.localhost:8443." },
} as const satisfies Record<string, OptionSpec>;

export const str = (options: OptionValues, name: string): string | undefined => {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
};

export const list = (options: OptionValues, name: string): string[] => {
  const value = options[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
};

export const flag = (options: OptionValues, name: string): boolean => options[name] === true;
