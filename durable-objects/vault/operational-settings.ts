import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
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

/** Throttle limits, audit retention: what a SaaS operator may tune per vault (control plane). */
export class OperationalSettings {
  constructor(private readonly deps: OperationalSettingsDeps) {}

  /** Throws VaultNotFound when this object is no vault. */
  read(): VaultOperationalSettings {
    if (this.deps.config() === null) throw vaultNotFound();
    return { throttleLimits: this.deps.throttle.currentLimits(), auditRetentionDays: this.deps.vaults.auditRetentionDays() };
  }

  update(patch: VaultSettingsPatch): Result<VaultOperationalSettings> {
    if (this.deps.config() === null) return fail(vaultNotFound());
    this.deps.storage.transactionSync(() => {
      if (patch.throttleLimits !== undefined) this.deps.throttleStore.setOverrides(patch.throttleLimits);
      if (patch.auditRetentionDays !== undefined) this.deps.vaults.setAuditRetentionDays(patch.auditRetentionDays);
    });
    this.deps.throttle.reload();
    this.deps.reschedule();
    return ok(this.read());
  }
}
