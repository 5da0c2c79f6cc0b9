import type { PolicyAdminOp, PolicyAdminResult, PolicyState } from "../../core/contract/vault-policies.ts";
import type { VaultOp } from "../../core/contract/vault.ts";
import { toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { denials, forbiddenByPolicy, violations } from "../../core/domain/policy/policy-evaluation.ts";
import { vaultSubject, type PolicySubject } from "../../core/domain/policy/policy-subject.ts";
import type { NetworkAcls } from "../../core/domain/vault/network-acls.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { storedSubjects, writeSubject, type SubjectSources } from "../operations/policy-subjects.ts";
import type { PolicyAssignmentRepository } from "../storage/policy-assignment-repository.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";

export interface VaultPoliciesDeps {
  readonly storage: DurableObjectStorage;
  readonly repo: PolicyAssignmentRepository;
  readonly sources: SubjectSources;
  readonly clock: Clock;
  config(): VaultConfig | null;
  networkAcls(): NetworkAcls | null;
}

const COLLECTION: Record<PolicySubject["kind"], string> = { secret: "secrets", key: "keys", certificate: "certificates", vault: "vaults" };

/**
 * The vault's policies (issue 17, docs/vault-policies.md): its own assignments and its tenant's copies, the one
 * check every write passes before anything is written ({@link check}, called by request-pipeline.ts), the firewall
 * rule on settings changes, and the compliance report, computed from what is stored when asked, so objects made
 * before an assignment are judged as well as those after it.
 */
export class VaultPolicies {
  /** Read by every write; kept in memory, dropped on change and wipe. */
  private cached: PolicyAssignment[] | null = null;

  constructor(private readonly deps: VaultPoliciesDeps) {}

  private assignments(): PolicyAssignment[] {
    this.cached ??= this.deps.repo.all();
    return this.cached;
  }

  forget(): void {
    this.cached = null;
  }

  /**
   * Throws 403 ForbiddenByPolicy when `op` would leave a secret, key or certificate that a Deny assignment forbids.
   * Audit assignments let it through: the compliance report shows the object from then on.
   */
  check(op: VaultOp, config: VaultConfig): void {
    const assignments = this.assignments();
    if (assignments.length === 0) return;
    const now = this.deps.clock.now();
    const subject = writeSubject(op, config, this.deps.sources, now);
    if (subject === null) return;
    const denied = denials(assignments, subject, toUnixSeconds(now));
    if (denied.length > 0) throw forbiddenByPolicy(`${COLLECTION[subject.kind]}/${subject.name}`, denied, config.tenantId, config.name);
  }

  /** A settings change that would leave the firewall off, where a Deny assignment of the firewall rule forbids it. */
  checkNetworkAcls(next: NetworkAcls | null): Result<null> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    const denied = denials(this.assignments(), vaultSubject(config.name, next), toUnixSeconds(this.deps.clock.now()));
    return denied.length === 0 ? ok(null) : fail(forbiddenByPolicy(`vaults/${config.name}`, denied, config.tenantId, config.name));
  }

  manage(op: PolicyAdminOp): Result<PolicyAdminResult> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    const { repo, storage } = this.deps;
    switch (op.kind) {
      case "put":
        storage.transactionSync(() => repo.put(op.assignment));
        this.forget();
        return ok(repo.get(op.assignment.scope, op.assignment.name) ?? op.assignment);
      case "get": {
        const found = repo.get(op.scope, op.name);
        return found === null ? fail(notFound(op.name)) : ok(found);
      }
      case "list":
        return ok(this.assignments().filter((a) => a.scope === op.scope));
      case "delete": {
        const deleted = storage.transactionSync(() => repo.delete(op.scope, op.name));
        this.forget();
        // A tenant assignment's copy may be missing here (a vault made while it was being set): deleting it is done.
        return deleted || op.scope === "tenant" ? ok(null) : fail(notFound(op.name));
      }
      case "seedTenant":
      case "replaceTenant":
        storage.transactionSync(() => (op.kind === "seedTenant" ? repo.seedTenantCopies(op.assignments) : repo.replaceTenantCopies(op.assignments)));
        this.forget();
        return ok(null);
      case "states":
        return ok(this.states(config));
    }
  }

  private states(config: VaultConfig): { evaluatedAt: number; states: PolicyState[] } {
    const now = toUnixSeconds(this.deps.clock.now());
    const assignments = this.assignments();
    const subjects: PolicySubject[] = assignments.length === 0 ? [] : [vaultSubject(config.name, this.deps.networkAcls()), ...storedSubjects(this.deps.sources)];
    const states = subjects.flatMap((subject) =>
      violations(assignments, subject, now).map((v) => ({
        objectKind: subject.kind,
        objectName: subject.name,
        ...(subject.kind !== "vault" && subject.version !== undefined ? { objectVersion: subject.version } : {}),
        assignment: v.assignment,
        effect: v.effect,
        reason: v.reason,
      })),
    );
    return { evaluatedAt: now, states };
  }
}

const notFound = (name: string): VaultError => new VaultError("PolicyAssignmentNotFound", `The policy assignment '${name}' is not found.`);
