import { parseArgs } from "node:util";
import { ConfigStore } from "./config.ts";
import type { Command, OptionValues } from "./command.ts";
import { GLOBAL_OPTIONS } from "./global-options.ts";
import { CliError, EXIT_ERROR, UsageError } from "./errors.ts";
import { applyQuery, outputFormat, render } from "./output.ts";
import { COMMANDS } from "./registry.ts";
import { commandHelp, groupHelp } from "./help.ts";
import { Session } from "./session.ts";

/** The command whose words are the longest prefix of the leading words of argv. */
function findCommand(words: readonly string[]): { command: Command | undefined; depth: number } {
  for (let depth = words.length; depth > 0; depth--) {
    const path = words.slice(0, depth).join(" ");
    const command = COMMANDS.find((c) => c.path === path);
    if (command !== undefined) return { command, depth };
  }
  return { command: undefined, depth: 0 };
}

async function main(argv: readonly string[]): Promise<number> {
  const separator = argv.indexOf("--");
  const args = separator === -1 ? argv : argv.slice(0, separator);
  const passthrough = separator === -1 ? [] : argv.slice(separator + 1);
  const firstOption = args.findIndex((a) => a.startsWith("-"));
  const words = firstOption === -1 ? args : args.slice(0, firstOption);
  const { command, depth } = findCommand(words);
  if (command === undefined) {
    const prefix = words.join(" ");
    const help = groupHelp(COMMANDS, prefix);
    if (help === undefined) throw new UsageError(`'${prefix}' is not a kv command. See 'kv --help'.`);
    // A group alone shows its commands, as `az keyvault` does.
    process.stdout.write(help);
    return 0;
  }
  const { values, positionals } = parseOrUsage(command, args.slice(depth));
  if (values.help === true) {
    process.stdout.write(commandHelp(command, GLOBAL_OPTIONS));
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unrecognized arguments: ${positionals.join(" ")}`);
  if (passthrough.length > 0 && command.acceptsPassthrough !== true) throw new UsageError(`unrecognized arguments: -- ${passthrough.join(" ")}`);
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.required === true && values[name] === undefined) throw new UsageError(`the following arguments are required: --${name}`);
  }
  const format = outputFormat(values.output as string | undefined);
  const store = new ConfigStore();
  let session: Session | undefined;
  const result = await command.run({
    options: values as OptionValues,
    passthrough,
    store,
    session: () => (session ??= Session.open(store, values.profile as string | undefined)),
  });
  session?.progress.done();
  // `kv run` answers with its child's exit code; every other command with a result to print.
  if (typeof result === "number") return result;
  if (result !== undefined) process.stdout.write(render(applyQuery(result, values.query as string | undefined), format));
  return 0;
}

function parseOrUsage(command: Command, args: readonly string[]) {
  const options = Object.fromEntries(
    Object.entries({ ...GLOBAL_OPTIONS, ...command.options }).map(([name, spec]) => [name, { type: spec.type, ...("short" in spec && spec.short !== undefined ? { short: spec.short } : {}), ...("multiple" in spec && spec.multiple === true ? { multiple: true } : {}) }]),
  );
  try {
    return threeState(parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nSee 'kv ${command.path} --help'.`);
  }
}

type Token = { kind: "option"; name: string; value?: string | undefined } | { kind: "positional"; value: string; index: number } | { kind: "option-terminator" };

/**
 * az's flags are three-state (azure-cli get_three_state_flag): `--disabled` alone, `--disabled true` and
 * `--disabled false` all parse. A kv command takes no positional words, so a `true`/`false` right after a flag is its
 * value, never something else.
 */
function threeState(parsed: { values: Readonly<Record<string, unknown>>; tokens?: readonly Token[] }): { values: Record<string, unknown>; positionals: string[] } {
  const values: Record<string, unknown> = { ...parsed.values };
  const tokens = parsed.tokens ?? [];
  const taken = new Set<number>();
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (token.kind !== "option" || token.value !== undefined || next?.kind !== "positional" || (next.value !== "true" && next.value !== "false")) return;
    values[token.name] = next.value === "true";
    taken.add(next.index);
  });
  const positionals = tokens.flatMap((t) => (t.kind === "positional" && !taken.has(t.index) ? [t.value] : []));
  return { values, positionals };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`ERROR: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`ERROR: ${(error as Error).message ?? String(error)}\n`);
    process.exitCode = EXIT_ERROR;
  },
);
