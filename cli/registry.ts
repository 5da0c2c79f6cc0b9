import type { Command } from "./command.ts";
import { ADMIN_COMMANDS } from "./commands/admin.ts";
import { AUDIT_COMMANDS } from "./commands/audit.ts";
import { completionCommands } from "./commands/completion.ts";
import { CERTIFICATE_SETTINGS_COMMANDS } from "./commands/certificate-settings.ts";
import { CERTIFICATE_COMMANDS } from "./commands/certificate.ts";
import { KEY_CRYPTO_COMMANDS } from "./commands/key-crypto.ts";
import { KEY_COMMANDS } from "./commands/key.ts";
import { LOGIN_COMMANDS } from "./commands/login.ts";
import { RUN_COMMANDS } from "./commands/run.ts";
import { SECRET_COMMANDS } from "./commands/secret.ts";

/** Every command of `kv`, by group. */
export const COMMANDS: readonly Command[] = [...LOGIN_COMMANDS, ...SECRET_COMMANDS, ...KEY_COMMANDS, ...KEY_CRYPTO_COMMANDS, ...CERTIFICATE_COMMANDS, ...CERTIFICATE_SETTINGS_COMMANDS, ...ADMIN_COMMANDS, ...AUDIT_COMMANDS, ...RUN_COMMANDS, ...completionCommands(() => COMMANDS)];
