import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";

/**
 * `kv completion bash|zsh`: a script completing command words and the options of the command typed so far, from
 * the command table itself (so it never drifts). zsh runs the bash function through bashcompinit.
 */
export function completionCommands(all: () => readonly Command[]): Command[] {
  return ["bash", "zsh"].map((shell) => ({
    path: `completion ${shell}`,
    summary: `Print the ${shell} completion script; add \`source <(kv completion ${shell})\` to your shell's rc file.`,
    example: `source <(kv completion ${shell})`,
    options: {},
    async run() {
      process.stdout.write(script(shell, all()));
      return undefined;
    },
  }));
}

function script(shell: string, commands: readonly Command[]): string {
  if (shell !== "bash" && shell !== "zsh") throw new UsageError(`Unknown shell ${shell}.`);
  const table = commands.map((c) => `${c.path}|${Object.keys(c.options).map((o) => `--${o}`).concat("--output", "--query", "--profile", "--help").join(" ")}`).join("\n");
  const prelude = shell === "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" : "";
  return `${prelude}_kv_complete() {
  local table words current candidates line path opts
  table='${table.replaceAll("'", "'\\''")}'
  current="\${COMP_WORDS[COMP_CWORD]}"
  words="\${COMP_WORDS[*]:1:COMP_CWORD-1}"
  candidates=""
  while IFS= read -r line; do
    path="\${line%%|*}"; opts="\${line#*|}"
    if [[ "$path" == "$words" ]]; then candidates="$candidates $opts"
    elif [[ "$path" == "$words "* || -z "$words" ]]; then
      local rest="\${path#"$words"}"; rest="\${rest# }"; candidates="$candidates \${rest%% *}"
    fi
  done <<< "$table"
  COMPREPLY=( $(compgen -W "$(printf "%s\n" $candidates | sort -u)" -- "$current") )
}
complete -F _kv_complete kv
`;
}
