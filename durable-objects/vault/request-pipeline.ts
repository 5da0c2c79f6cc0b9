import { VaultError } from "../../core/errors/vault-error.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { statusOf } from "../../core/errors/status.ts";
import { X509Error } from "../../core/crypto/x509/x509-error.ts";
import type { Clock } from "../../core/domain/clock.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { OpKind, VaultCall, VaultResults } from "../../core/contract/vault.ts";
import { withPageTokens, type PageTokens } from "../operations/page-tokens.ts";
import { RequestAudit } from "../operations/request-audit.ts";
import { throttleCharge } from "../operations/throttle-charge.ts";
import type { VaultThrottle } from "../operations/vault-throttle.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import { isAnonymous, runAnonymous } from "./anonymous-requests.ts";
import { auditUnavailable, type AuditJournal } from "./audit-journal.ts";
import type { HandlerContexts } from "./handler-context.ts";
import { assertActivated, authorize } from "./request-authorization.ts";
import { admitsAddress, type NetworkAcls } from "../../core/domain/vault/network-acls.ts";
import type { AccessModel } from "../../core/domain/vault/vault-operational-settings.ts";
import { forbiddenByFirewall } from "../../core/domain/vault/firewall-denial.ts";
import type { HsmDomainRepository } from "../storage/hsm-domain-repository.ts";
import { runOperation } from "./operation-handlers.ts";
import type { VaultAccess } from "./vault-access.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";
import type { VaultPolicies } from "./vault-policies.ts";

export interface RequestPipelineDeps {
  config(): VaultConfig | null;
  readonly clock: Clock;
  readonly access: VaultAccess;
  readonly throttle: VaultThrottle;
  /** Some charges depend on the stored object (throttle-charge.ts). */
  readonly objects: ObjectRepository;
  readonly pageTokens: PageTokens;
  readonly contexts: HandlerContexts;
  readonly journal: AuditJournal;
  /** A managed HSM's activation (request-authorization.ts assertActivated). */
  readonly hsmDomain: HsmDomainRepository;
  /** The vault's firewall (docs/access-control.md "Firewall"); null admits every caller. */
  networkAcls(): NetworkAcls | null;
  /** The vault's permission model (docs/access-control.md "Access policies"). */
  accessModel(): AccessModel;
  /** The vault's policies: throws ForbiddenByPolicy for a write a Deny assignment forbids (vault-policies.ts). */
  readonly policies: Pick<VaultPolicies, "check">;
}

/**
 * The data plane's one entry point: the caller must belong to this vault's tenant and hold a role granting the
 * operation's data action, and only then is the request charged to the throttle (a refused request must not
 * spend the vault's budget); then the operation runs.
 * Every call that ends a request leaves exactly one audit record, written in the same transaction as the
 * operation's changes; if it cannot be written, the operation does not happen (fail closed).
 */
export class RequestPipeline {
  constructor(private readonly deps: RequestPipelineDeps) {}

  async execute(call: VaultCall): Promise<Result<VaultResults[OpKind]>> {
    const { access, throttle, journal, clock } = this.deps;
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    const audit = new RequestAudit(call, config, clock);
    try {
      // The firewall first, as Azure's network layer: it admits by the caller's address, whoever the caller is.
      if (!admitsAddress(this.deps.networkAcls(), call.request.clientIp)) {
        throw forbiddenByFirewall(isAnonymous(call) ? null : call.caller, call.request.clientIp, config);
      }
      // A published key set carries no token: the vault's publicJwks setting, read on by the vault object, is its grant;
      // it is charged, run and recorded as below, and a failure ends in the same catch (anonymous-requests.ts).
      if (isAnonymous(call)) return ok(await runAnonymous(this.deps, config, audit, call));
      // The Worker verified the token against this tenant's keys; checked again here so no path can skip it.
      if (call.caller.tenantId !== config.tenantId) throw new VaultError("Unauthorized", "AKV10032: Invalid issuer.");
      // The action comes from the operation's descriptor, never from the caller (core/contract/operations.ts).
      authorize(access, call, config, this.deps.accessModel());
      assertActivated(this.deps.hsmDomain, call, config, clock.now());
      // Vault policies, after the caller's roles (Azure Policy judges requests that are otherwise allowed), before the
      // throttle (a refused write spends no budget) and before anything is written. A key or certificate create and a
      // rotation are judged at their completion, the call that carries the material and attributes (the preflight
      // carries only the key type, and was charged already).
      this.deps.policies.check(call.op, config);
      if (call.request.stage !== "completion") await throttle.admit(throttleCharge(call.op, this.deps.objects), clock.now());
      const value = await withPageTokens(this.deps.pageTokens, config, call, (op) => runOperation(this.deps.contexts.build(config, audit), op));
      // A read changed nothing: its record joins those of concurrent reads in one commit (group commit),
      // and the answer still waits until the record is written.
      if (audit.recordsSuccess && !audit.written) await journal.recordTogether(audit.succeeded(value));
      else journal.settle();
      return ok(value);
    } catch (err) {
      // The X.509 layer's errors describe the client's input (a corrupt chain, an unusable key).
      const error = err instanceof VaultError ? err : err instanceof X509Error ? new VaultError("BadParameter", err.message) : null;
      try {
        journal.record(error === null ? audit.failed(500, "InternalError") : audit.failed(statusOf(error.code), error.code, error.auditDetail));
      } catch (auditError) {
        // Fail closed: nothing was committed (the record shares the operation's transaction) and nothing is returned.
        console.error("audit record could not be written", auditError);
        return fail(auditUnavailable());
      }
      if (error === null) throw err;
      return fail(error);
    }
  }
}
