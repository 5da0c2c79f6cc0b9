import type { OpKind, VaultOp, VaultResults } from "../../core/contract/vault.ts";
import { auditHandlers } from "../operations/audit-handlers.ts";
import { certificateIssuerHandlers } from "../operations/certificate-issuers.ts";
import { certificateHandlers } from "../operations/certificates.ts";
import { keyCryptoHandlers } from "../operations/key-crypto.ts";
import { keyHandlers } from "../operations/keys.ts";
import { keySetHandlers } from "../operations/key-sets.ts";
import { hsmRbacHandlers } from "../operations/hsm-rbac.ts";
import { hsmSettingsHandlers } from "../operations/hsm-settings.ts";
import { hsmSecurityDomainHandlers } from "../operations/hsm-security-domain.ts";
import { hsmBackupJobHandlers } from "../operations/hsm-backup-jobs.ts";
import { secretHandlers } from "../operations/secrets.ts";
import type { VaultContext } from "../operations/vault-context.ts";

/** Every data-plane operation's handler, by op kind; each feature's table lives beside its operations. */
const HANDLERS = {
  ...secretHandlers,
  ...keyHandlers,
  ...keyCryptoHandlers,
  ...auditHandlers,
  ...certificateHandlers,
  ...certificateIssuerHandlers,
  ...keySetHandlers,
  ...hsmRbacHandlers,
  ...hsmSettingsHandlers,
  ...hsmSecurityDomainHandlers,
  ...hsmBackupJobHandlers,
};

/** Runs the handler of the op's own kind. */
export function runOperation(ctx: VaultContext, op: VaultOp): Promise<VaultResults[OpKind]> {
  // The table is typed per operation (SecretResults); dispatch by the op's own kind.
  const handler = HANDLERS[op.kind] as (ctx: VaultContext, op: VaultOp) => Promise<VaultResults[OpKind]>;
  return handler(ctx, op);
}
