import { fail, ok, type Result } from "../../core/errors/result.ts";
import { badParameter, type VaultError } from "../../core/errors/vault-error.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { AccessModel, VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
import { completionDelayMs } from "../../core/domain/objects/long-running.ts";
import type { NetworkAcls } from "../../core/domain/vault/network-acls.ts";
import type { ThrottleUsage } from "../../core/domain/throttle/usage-history.ts";
import type { VaultThrottle } from "../operations/vault-throttle.ts";
import type { ThrottleRepository } from "../storage/throttle-repository.ts";
import type { VaultRepository } from "../storage/vault-repository.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";

export interface OperationalSettingsDeps {
  readonly storage: DurableObjectStorage;
  /** Holds the audit retention. */
  readonly vaults: VaultRepository;
  /** Holds the throttle limit overrides. */
  readonly throttleStore: ThrottleRepository;
  readonly throttle: VaultThrottle;
  config(): VaultConfig | null;
  /** Retention decides when audit pruning is next due. */
  reschedule(): void;
}

/** Throttle limits, audit retention, long-running operations: what a SaaS operator may tune per vault (control plane). */
export class OperationalSettings {
  /** Read by every request that starts a long-running operation; kept in memory, dropped on change and wipe. */
  private delayMs: number | null = null;
  private acls: NetworkAcls | null | undefined = undefined;
  private model: AccessModel | null = null;

  constructor(private readonly deps: OperationalSettingsDeps) {}

  /** Throws VaultNotFound when this object is no vault. */
  read(): VaultOperationalSettings {
    if (this.deps.config() === null) throw vaultNotFound();
    return {
      throttleLimits: this.deps.throttle.currentLimits(),
      auditRetentionDays: this.deps.vaults.auditRetentionDays(),
      longRunningOperations: this.deps.vaults.longRunningMode(),
      ...this.deps.vaults.edgeReads(),
      networkAcls: this.networkAcls(),
      cors: this.deps.vaults.cors(),
      ...this.accessModel(),
    };
  }

  /** Its use of its throttle limits per window (operations/vault-throttle.ts); throws VaultNotFound when this object is no vault. */
  usage(nowMs: number): ThrottleUsage {
    if (this.deps.config() === null) throw vaultNotFound();
    return this.deps.throttle.usage(nowMs);
  }

  /** How every request is authorized (request-authorization.ts): kept in memory, dropped on change and wipe. */
  accessModel(): AccessModel {
    this.model ??= this.deps.vaults.accessModel();
    return this.model;
  }

  /** The firewall every request passes (request-pipeline.ts): kept in memory, dropped on change and wipe. */
  networkAcls(): NetworkAcls | null {
    if (this.acls === undefined) this.acls = this.deps.vaults.networkAcls();
    return this.acls;
  }

  /** Whether the published key sets are served (published-key-sets.ts): read on each such request, fresh. */
  publicJwks(): boolean {
    return this.deps.vaults.edgeReads().publicJwks;
  }

  /** How long after its call a delete, recover or certificate creation completes (long-running.ts). */
  completionDelayMs(): number {
    this.delayMs ??= completionDelayMs(this.deps.vaults.longRunningMode());
    return this.delayMs;
  }

  /** The vault's storage was wiped (vault deletion): a vault made again starts from the defaults. */
  forget(): void {
    this.delayMs = null;
    this.acls = undefined;
    this.model = null;
  }

  /**
   * Why `patch` cannot apply to a vault of this kind and placement, or null. Checked by {@link update} and, before
   * anything is made, by a vault creation that carries settings (vault-object.ts), so a refused one makes no vault.
   */
  static refusal(config: Pick<VaultConfig, "sku" | "placement">, patch: VaultSettingsPatch): VaultError | null {
    // The edge cache keeps answers in whichever data centre served them, outside any jurisdiction (docs/placement.md).
    if (patch.edgeCache === true && config.placement?.jurisdiction !== undefined) {
      return badParameter(`edgeCache is not available for a vault in the '${config.placement.jurisdiction}' jurisdiction: the edge keeps answers outside it.`);
    }
    if (config.sku === "managedHSM" && (patch.enableRbacAuthorization === false || patch.accessPolicies !== undefined)) {
      return badParameter("A managed HSM authorizes by its local RBAC only: it has no access policies.");
    }
    return null;
  }

  update(patch: VaultSettingsPatch): Result<VaultOperationalSettings> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    const refused = OperationalSettings.refusal(config, patch);
    if (refused !== null) return fail(refused);
    this.deps.storage.transactionSync(() => {
      if (patch.throttleLimits !== undefined) this.deps.throttleStore.setOverrides(patch.throttleLimits);
      if (patch.auditRetentionDays !== undefined) this.deps.vaults.setAuditRetentionDays(patch.auditRetentionDays);
      if (patch.longRunningOperations !== undefined) this.deps.vaults.setLongRunningMode(patch.longRunningOperations);
      if (patch.edgeCache !== undefined) this.deps.vaults.setEdgeCache(patch.edgeCache);
      if (patch.publicJwks !== undefined) this.deps.vaults.setPublicJwks(patch.publicJwks);
      if (patch.networkAcls !== undefined) this.deps.vaults.setNetworkAcls(patch.networkAcls);
      if (patch.cors !== undefined) this.deps.vaults.setCors(patch.cors);
      if (patch.enableRbacAuthorization !== undefined) this.deps.vaults.setEnableRbacAuthorization(patch.enableRbacAuthorization);
      if (patch.accessPolicies !== undefined) this.deps.vaults.setAccessPolicies(patch.accessPolicies);
    });
    this.delayMs = null;
    this.acls = undefined;
    this.model = null;
    this.deps.throttle.reload();
    this.deps.reschedule();
    return ok(this.read());
  }
}
