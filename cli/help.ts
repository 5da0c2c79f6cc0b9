import type { Command, OptionSpec } from "./command.ts";

/** `kv <group> --help`: the commands and subgroups under a prefix; undefined when no command starts with it. */
export function groupHelp(commands: readonly Command[], prefix: string): string | undefined {
  const under = commands.filter((c) => prefix === "" || c.path.startsWith(`${prefix} `));
  if (under.length === 0) return undefined;
  const depth = prefix === "" ? 0 : prefix.split(" ").length;
  const entries = new Map<string, string>();
  for (const command of under) {
    const words = command.path.split(" ");
    const next = words[depth] as string;
    const isLeaf = words.length === depth + 1;
    if (!entries.has(next) || isLeaf) entries.set(next, isLeaf ? command.summary : `Commands under 'kv ${[...words.slice(0, depth + 1)].join(" ")}'.`);
  }
  const width = Math.max(...[...entries.keys()].map((k) => k.length));
  const lines = [...entries].map(([word, summary]) => `    ${word.padEnd(width)}  : ${summary}`);
  const title = prefix === "" ? "kv: the edge vault's command line, shaped like `az keyvault`." : `Group\n    kv ${prefix}`;
  return `\n${title}\n\nCommands:\n${lines.join("\n")}\n\nRun 'kv ${prefix === "" ? "" : `${prefix} `}<command> --help' for a command's options and an example.\n`;
}

export function commandHelp(command: Command, globals: Readonly<Record<string, OptionSpec>>): string {
  const section = (title: string, options: Readonly<Record<string, OptionSpec>>) => {
    const rows = Object.entries(options).map(([name, spec]) => {
      const flags = `--${name}${spec.short === undefined ? "" : ` -${spec.short}`}${spec.required === true ? " [Required]" : ""}`;
      return `    ${flags.padEnd(34)} : ${spec.description}`;
    });
    return rows.length === 0 ? "" : `\n${title}\n${rows.join("\n")}\n`;
  };
  return `\nCommand\n    kv ${command.path} : ${command.summary}\n${section("Arguments", command.options)}${section("Global Arguments", globals)}\nExamples\n    ${command.example}\n`;
}
