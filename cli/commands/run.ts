import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { list, str, type Command, type OptionValues } from "../command.ts";
import { UsageError } from "../errors.ts";
import { segment } from "../object-options.ts";
import { VaultApi, vaultUrlOf } from "../vault-api.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Signals a terminal or a supervisor sends that the child should get too. */
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

/** `NAME=secret[/version]` pairs from --env and from the lines of --env-file (`#` comments, blank lines skipped). */
function mappings(options: OptionValues): { variable: string; secret: string }[] {
  const file = str(options, "env-file");
  const fromFile = file === undefined ? [] : readFileSync(file, "utf8").split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  return [...fromFile, ...list(options, "env")].map((pair) => {
    const at = pair.indexOf("=");
    const variable = pair.slice(0, at);
    const secret = pair.slice(at + 1);
    if (at === -1 || !ENV_NAME.test(variable) || secret === "") throw new UsageError(`'${pair}' is not NAME=secret-name[/version].`);
    return { variable, secret };
  });
}

export const RUN_COMMANDS: Command[] = [
  {
    path: "run",
    summary: "Run a command with secrets in its environment (read at start, never written to disk); exits with its code.",
    example: "kv run --vault dev --env DB_PASSWORD=db-password -- node app.mjs",
    acceptsPassthrough: true,
    options: {
      vault: { type: "string", description: "Name of the vault (as --vault-name)." },
      "vault-url": { type: "string", description: "URL of the vault." },
      env: { type: "string", multiple: true, description: "NAME=secret-name[/version]; repeat for more." },
      "env-file": { type: "string", description: "File of NAME=secret-name[/version] lines." },
    },
    async run(context) {
      if (context.passthrough.length === 0) throw new UsageError("Give the command after --, e.g. kv run --vault dev --env A=a -- env");
      const session = context.session();
      const target: { "vault-name"?: string; "vault-url"?: string } = {};
      if (str(context.options, "vault") !== undefined) target["vault-name"] = str(context.options, "vault");
      if (str(context.options, "vault-url") !== undefined) target["vault-url"] = str(context.options, "vault-url");
      const vault = new VaultApi(session, vaultUrlOf(session, target));
      const environment: Record<string, string> = {};
      for (const { variable, secret } of mappings(context.options)) {
        const [name, version] = secret.split("/");
        const bundle = (await vault.call("GET", `/secrets/${segment(name as string)}${version === undefined ? "" : `/${segment(version)}`}`)) as { value: string };
        environment[variable] = bundle.value;
      }
      const [command, ...args] = context.passthrough as [string, ...string[]];
      return runChild(command, args, { ...process.env, ...environment });
    },
  },
];

/** The child inherits the terminal; its exit code is ours, a signal death is 128 + the signal's number (as shells do). */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    child.on("error", (error) => reject(new UsageError(`cannot run ${command}: ${error.message}`)));
    child.on("exit", (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
