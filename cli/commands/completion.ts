import type { Command } from "../command.ts";
import { GLOBAL_OPTIONS } from "../global-options.ts";

/**
 * `kv completion bash|zsh`: a script completing command words, then the options of the command typed so far, from
 * the command table itself (so it never drifts). The command is the words before the first option, as cli/main.ts
 * reads it, so options keep completing after `--name x`. zsh gets a native completer (compadd), not bash's run
 * through bashcompinit: zsh arrays start at 1, and `path` and `words` are zsh's own parameters.
 */
export function completionCommands(all: () => readonly Command[]): Command[] {
  return (["bash", "zsh"] as const).map((shell) => ({
    path: `completion ${shell}`,
    summary: `Print the ${shell} completion script; add \`source <(kv completion ${shell})\` to your shell's rc file.`,
    example: `source <(kv completion ${shell})`,
    options: {},
    async run() {
      process.stdout.write((shell === "bash" ? bashScript : zshScript)(quotedTable(all())));
      return undefined;
    },
  }));
}

/** One `command words|--option --option` line per command, single-quoted for either shell. */
function quotedTable(commands: readonly Command[]): string {
  const globals = Object.keys(GLOBAL_OPTIONS).map((o) => `--${o}`);
  const table = commands.map((c) => `${c.path}|${[...Object.keys(c.options).map((o) => `--${o}`), ...globals].join(" ")}`).join("\n");
  return `'${table.replaceAll("'", "'\\''")}'`;
}

const bashScript = (table: string): string => `_kv_complete() {
  local table=${table}
  local typed="" options_begun="" word line cmd opts rest candidates="" i
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then options_begun=1; break; fi
    typed="\${typed:+$typed }$word"
  done
  while IFS= read -r line; do
    cmd="\${line%%|*}"; opts="\${line#*|}"
    if [[ "$cmd" == "$typed" ]]; then candidates="$candidates $opts"
    elif [[ -z "$options_begun" && ( -z "$typed" || "$cmd" == "$typed "* ) ]]; then
      rest="\${cmd#"$typed"}"; rest="\${rest# }"; candidates="$candidates \${rest%% *}"
    fi
  done <<< "$table"
  COMPREPLY=( $(compgen -W "$(printf "%s\\n" $candidates | sort -u)" -- "\${COMP_WORDS[COMP_CWORD]}") )
}
complete -F _kv_complete kv
`;

// compdef comes with compinit; a shell started without it (zsh -f, no rc file) gets it here. -i skips insecure
// directories silently rather than prompting in the middle of sourcing.
const zshScript = (table: string): string => `(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }
_kv() {
  local table=${table}
  local typed="" options_begun="" word line cmd opts rest
  local -a candidates
  for word in "\${(@)words[2,CURRENT-1]}"; do
    if [[ "$word" == -* ]]; then options_begun=1; break; fi
    typed="\${typed:+$typed }$word"
  done
  for line in "\${(@f)table}"; do
    cmd="\${line%%|*}"; opts="\${line#*|}"
    if [[ "$cmd" == "$typed" ]]; then candidates+=( \${=opts} )
    elif [[ -z "$options_begun" && ( -z "$typed" || "$cmd" == "$typed "* ) ]]; then
      rest="\${cmd#"$typed"}"; rest="\${rest# }"; candidates+=( "\${rest%% *}" )
    fi
  done
  compadd -- "\${(@u)candidates}"
}
compdef _kv kv
`;
