import { VaultError } from "../../core/errors/vault-error.ts";
import type { Clock } from "../../core/domain/clock.ts";
import { ANONYMOUS_AUDIT_CALLER } from "../../core/domain/vault/audit-record.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { Caller } from "../../core/contract/common.ts";
import { isKeySetOp } from "../../core/contract/key-sets.ts";
import type { OpKind, VaultCall, VaultResults } from "../../core/contract/vault.ts";
import type { RequestAudit } from "../operations/request-audit.ts";
import { throttleCharge } from "../operations/throttle-charge.ts";
import type { VaultThrottle } from "../operations/vault-throttle.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import type { AuditJournal } from "./audit-journal.ts";
import type { HandlerContexts } from "./handler-context.ts";
import { runOperation } from "./operation-handlers.ts";

/**
 * The caller of a request that carries no token: published key sets (docs/edge-reads.md). Its ids are the nil GUID,
 * which no principal has (the token service's ids are random GUIDs), so the audit log can be filtered for it
 * (`caller=00000000-0000-0000-0000-000000000000`), and no role assignment can be meant for it.
 *
 * The pipeline knows an anonymous call by this very object, not by its values: a caller that arrives over RPC is a
 * copy (structured clone), so only the vault object itself, after reading the vault's publicJwks setting on
 * (published-key-sets.ts), can make an anonymous call. A copy sent by a Worker is an ordinary caller, and is refused
 * there: its tenant (none) is not the vault's.
 */
export const ANONYMOUS_CALLER: Caller = Object.freeze({
  tenantId: "",
  objectId: ANONYMOUS_AUDIT_CALLER.objectId,
  appId: ANONYMOUS_AUDIT_CALLER.appId,
  principalType: ANONYMOUS_AUDIT_CALLER.type,
});


export function isAnonymous(call: VaultCall): boolean {
  return call.caller === ANONYMOUS_CALLER;
}

/** What an anonymous request uses of the request pipeline (request-pipeline.ts): the same parts, no access check. */
export interface AnonymousRequestDeps {
  readonly clock: Clock;
  readonly throttle: VaultThrottle;
  readonly objects: ObjectRepository;
  readonly contexts: HandlerContexts;
  readonly journal: AuditJournal;
}

/**
 * An anonymous request, inside the pipeline's try (which records a failure and answers it as a value): what stands in
 * for tenant and role checks is that only published key sets can be asked for, and the vault object asked only after
 * reading the vault's publicJwks setting on. Then as any read: charged to its throttle bucket (one unit of keys, and
 * the tenant's), run by its handler, recorded with concurrent reads in one commit (audit-journal.ts).
 */
export async function runAnonymous(
  deps: AnonymousRequestDeps,
  config: VaultConfig,
  audit: RequestAudit,
  call: VaultCall,
): Promise<VaultResults[OpKind]> {
  if (!isKeySetOp(call.op)) throw new VaultError("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
  await deps.throttle.admit(throttleCharge(call.op, deps.objects), deps.clock.now());
  const value = await runOperation(deps.contexts.build(config, audit), call.op);
  await deps.journal.recordTogether(audit.succeeded(value));
  return value;
}
