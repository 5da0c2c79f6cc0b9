import type { Clock } from "../../core/domain/clock.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import type { RootKey } from "../../core/crypto/envelope/root-key.ts";
import type { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import type { KeyProvider } from "../../core/crypto/providers/key-provider.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import type { EventSink } from "../operations/event-sink.ts";
import type { RequestAudit } from "../operations/request-audit.ts";
import type { VaultContext } from "../operations/vault-context.ts";
import type { VaultAccess } from "./vault-access.ts";
import type { BackupBucket } from "../operations/hsm-backup-bucket.ts";
import type { VaultStores } from "./vault-stores.ts";

export interface HandlerContextDeps {
  readonly storage: DurableObjectStorage;
  readonly stores: VaultStores;
  /** Read at each use by whoever holds the context: tests replace the Durable Object's clock. */
  readonly clock: Clock;
  readonly keys: KeyProvider;
  readonly hsm: HsmBridge | null;
  readonly events: EventSink;
  readonly access: VaultAccess;
  /** Where a managed HSM's full backups go; null without the BACKUPS binding. */
  readonly backups: BackupBucket | null;
  dataKey(config: VaultConfig): Promise<DataKey>;
  rootKey(): Promise<RootKey>;
  rootKeys(): RootKeyRing;
  /** Writes a request's success record inside the caller's transaction, once (audit-journal.ts). */
  recordWithin(audit: RequestAudit, result: unknown): void;
  reschedule(): void;
  /** The configuration an alarm run starts with; null when this object is no vault. */
  config(): VaultConfig | null;
  /** The vault's long-running operation setting, as a delay (operational-settings.ts). */
  completionDelayMs(): number;
}

/** Builds what operations use (VaultContext): for one request, for an alarm run, or for a vault's deletion. */
export class HandlerContexts {
  /** The context of the alarm run under way (see {@link beginAlarmRun}). */
  private alarmRun: VaultContext | null = null;

  constructor(private readonly deps: HandlerContextDeps) {}

  /**
   * With a request's audit, the first transaction a handler runs also writes the request's record and throttle
   * counts, so the change and its record commit together or not at all. Without one (alarm, deletion), plain.
   */
  build(config: VaultConfig, audit: RequestAudit | null): VaultContext {
    const { storage, stores } = this.deps;
    return {
      config,
      completionDelayMs: this.deps.completionDelayMs(),
      objects: stores.objects,
      rotations: stores.rotations,
      audit: stores.audit,
      certificatePolicies: stores.certificatePolicies,
      certificateOperations: stores.certificateOperations,
      certificateIssuers: stores.certificateIssuers,
      certificateContacts: stores.certificateContacts,
      clock: this.deps.clock,
      keys: this.deps.keys,
      hsm: this.deps.hsm,
      hsmPendingKeys: stores.hsmPendingKeys,
      releaseNonces: stores.releaseNonces,
      roleAssignments: stores.assignments,
      roleDefinitions: stores.hsmRoleDefinitions,
      hsmSettings: stores.hsmSettings,
      hsmDomain: stores.hsmDomain,
      hsmJobs: stores.hsmJobs,
      backups: this.deps.backups,
      roleDefinition: (id) => this.deps.access.roleDefinition(id),
      accessChanged: () => this.deps.access.forget(),
      dataKey: () => this.deps.dataKey(config),
      rootKey: () => this.deps.rootKey(),
      rootKeys: () => this.deps.rootKeys(),
      transaction: (fn) =>
        storage.transactionSync(() => {
          const result = fn();
          if (audit !== null) this.deps.recordWithin(audit, result);
          return result;
        }),
      bookkeeping: (fn) => storage.transactionSync(fn),
      reschedule: () => this.deps.reschedule(),
      events: this.deps.events,
    };
  }

  /**
   * Called as an alarm fires: the run's duties share one context taken now, so a vault deleted while a duty awaits
   * (a rotation's key generation, a webhook POST) does not change the configuration the rest of the run sees.
   * False when this object is no vault: then nothing runs.
   */
  beginAlarmRun(): boolean {
    const config = this.deps.config();
    this.alarmRun = config === null ? null : this.build(config, null);
    return this.alarmRun !== null;
  }

  /** The alarm run's context, for timed duties (duties/). */
  alarmContext(): VaultContext {
    if (this.alarmRun === null) throw new Error("A timed duty ran outside an alarm run.");
    return this.alarmRun;
  }
}
