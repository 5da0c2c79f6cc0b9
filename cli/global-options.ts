import type { OptionSpec } from "./command.ts";

/** Options every command takes, as in az. */
export const GLOBAL_OPTIONS = {
  output: { type: "string", short: "o", description: "Output format: json, jsonc, table, tsv, yaml, none (default json, or KV_OUTPUT)." },
  query: { type: "string", description: "JMESPath query applied to the result (https://jmespath.org)." },
  profile: { type: "string", description: "Profile to use (default: the default profile, or KV_PROFILE)." },
  help: { type: "boolean", short: "h", description: "Show this help." },
} as const satisfies Record<string, OptionSpec>;
