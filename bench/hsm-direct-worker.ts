/**
 * One direct process of the hsm part, forked by bench/hsm-direct-processes.ts: like one bridge worker, its own
 * module instance, login and session pool on the token, running the cases' PKCS#11 calls when told to.
 */
import { HSM_CASES } from "./hsm-cases.ts";
import { directOperation, type DirectOperation } from "./hsm-direct.ts";
import type { FromDirectProcess, ToDirectProcess } from "./hsm-direct-messages.ts";
import { countDirect } from "./hsm-direct-rate.ts";
import { openDirectToken, type DirectToken } from "./hsm-token.ts";

let direct: DirectToken | undefined;
let operations: DirectOperation[] = [];
let callers = 1;

function answer(message: FromDirectProcess): void {
  process.send?.(message);
}

async function handle(message: ToDirectProcess): Promise<void> {
  if (message.kind === "prepare") {
    direct = await openDirectToken(message.bridgeDir);
    callers = message.callers;
    operations = [];
    for (const [index, hsmCase] of HSM_CASES.entries()) {
      const material = message.materials[index];
      if (material === undefined) throw new Error(`${hsmCase.name}: no material`);
      operations.push(await directOperation(direct.context, hsmCase, material));
    }
    answer({ kind: "ready", descriptions: operations.map((operation) => operation.description) });
  } else if (message.kind === "count") {
    const operation = operations[message.index];
    if (operation === undefined) throw new Error(`no prepared case ${message.index}`);
    answer({ kind: "count", ...(await countDirect(operation.run, callers, message.warmupSeconds, message.seconds)) });
  } else {
    direct?.close();
    process.exit(0);
  }
}

process.on("message", (message: ToDirectProcess) => {
  handle(message).catch((error: unknown) => answer({ kind: "failed", message: error instanceof Error ? error.message : String(error) }));
});
// The bench went away (crashed, or was killed before it could say close): nothing left to measure for.
process.on("disconnect", () => process.exit(1));
