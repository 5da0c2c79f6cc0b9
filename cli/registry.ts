import type { Command } from "./command.ts";
import { LOGIN_COMMANDS } from "./commands/login.ts";
import { SECRET_COMMANDS } from "./commands/secret.ts";

/** Every command of `kv`, by group. */
export const COMMANDS: readonly Command[] = [...LOGIN_COMMANDS, ...SECRET_COMMANDS];
