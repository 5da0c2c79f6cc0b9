import type { Clock } from "../../core/domain/clock.ts";
import { VaultDataKey } from "../../core/crypto/envelope/vault-data-key.ts";
import { KeyProviders } from "../../core/crypto/providers/key-providers.ts";
import { SoftwareKeyProvider } from "../../core/crypto/providers/software-key-provider.ts";
import { vaultUri } from "../../core/domain/vault/vault-host.ts";
import { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import { HsmKeyProvider } from "../../core/hsm/hsm-key-provider.ts";
import { PageTokens } from "../operations/page-tokens.ts";
import { VaultEvents } from "../operations/vault-events.ts";
import { VaultThrottle } from "../operations/vault-throttle.ts";
import { migrate } from "../storage/migrate.ts";
import { VAULT_MIGRATIONS } from "../storage/migrations.ts";
import { AuditJournal } from "./audit-journal.ts";
import { EdgeLeases } from "./edge-leases.ts";
import { auditPruneDuty } from "./duties/audit-prune-duty.ts";
import { certificateCompletionDuty } from "./duties/certificate-completion-duty.ts";
import { certificateLifetimeDuty } from "./duties/certificate-lifetime-duty.ts";
import { eventDeliveryDuty } from "./duties/event-delivery-duty.ts";
import { hsmPendingKeysDuty } from "./duties/hsm-pending-keys-duty.ts";
import { keyRotationDuty } from "./duties/key-rotation-duty.ts";
import { scheduledPurgeDuty } from "./duties/scheduled-purge-duty.ts";
import { HandlerContexts } from "./handler-context.ts";
import { OperationalSettings } from "./operational-settings.ts";
import { RequestPipeline } from "./request-pipeline.ts";
import { VaultAccess } from "./vault-access.ts";
import { VaultLifecycle } from "./vault-lifecycle.ts";
import { VaultScheduler } from "./vault-scheduler.ts";
import { vaultStores } from "./vault-stores.ts";
import { r2BackupBucket } from "../operations/hsm-backup-bucket.ts";
import { hsmJobsDuty } from "./duties/hsm-jobs-duty.ts";
import { VaultPolicies } from "./vault-policies.ts";
import { VaultSnapshots } from "./vault-snapshots.ts";
import { SnapshotScheduler } from "./snapshot-schedule.ts";
import { snapshotDuty } from "./duties/snapshot-duty.ts";
import { RootKeyMove } from "./root-key-move.ts";

/** The vault's parts by job, as the RPC surface (vault-object.ts) delegates to them. */
export interface VaultParts {
  readonly lifecycle: VaultLifecycle;
  readonly access: VaultAccess;
  readonly pipeline: RequestPipeline;
  readonly journal: AuditJournal;
  readonly settings: OperationalSettings;
  readonly events: VaultEvents;
  readonly scheduler: VaultScheduler;
  readonly edge: EdgeLeases;
  readonly policies: VaultPolicies;
  readonly snapshots: VaultSnapshots;
  readonly snapshotSchedule: SnapshotScheduler;
  readonly rootKeyMove: RootKeyMove;
}

/**
 * Builds one vault's parts over its Durable Object's storage. `clock` must read the object's clock at each call
 * (tests replace it). Parts that need each other are joined by closures, read when called, never while building.
 */
export function vaultParts(ctx: DurableObjectState, env: Env, clock: Clock): VaultParts {
  const storage = ctx.storage;
  const stores = vaultStores(storage.sql);
  const hsm = HsmBridge.fromEnv(env);
  // Prepared keys live as long as this object stays in memory (imported keys are cached per isolate).
  const keys = new KeyProviders(new SoftwareKeyProvider(), hsm === null ? null : new HsmKeyProvider(hsm));
  const dek = new VaultDataKey(() => rootKeyMove.ring(), hsm);
  // What the parts hold in memory about the vault's rows, dropped when the rows change under them (wipe, restore).
  const forgetHeld = (): void => {
    throttle.reload();
    scheduler.forget();
    access.forget();
    settings.forget();
    edge.forget();
    policies.forget();
  };
  const lifecycle: VaultLifecycle = new VaultLifecycle({
    storage,
    vaults: stores.vaults,
    dek,
    hsm,
    clock,
    ring: () => rootKeyMove.ring(),
    context: (config) => contexts.build(config, null),
    disarm: () => scheduler.disarm(),
    rearm: () => scheduler.reschedule(),
    wiped: () => forgetHeld(),
  });
  const rootKeyMove: RootKeyMove = new RootKeyMove({
    storage,
    vaults: stores.vaults,
    dek,
    env,
    held: () => lifecycle.liveOrDeleted(),
    locate: () => lifecycle.locate(),
  });
  const events = new VaultEvents(storage.sql, {
    config: () => lifecycle.requireConfig(),
    clock,
    dataKey: () => lifecycle.dataKey(lifecycle.requireConfig()),
    vaultBaseUrl: () => {
      const { name, sku } = lifecycle.requireConfig();
      return vaultUri(env.ISSUER_ORIGIN, name, sku);
    },
    // A wrapper, not the bare global: the outbound fetch is looked up at call time.
    fetch: (input, init) => fetch(input, init),
    transaction: (fn) => storage.transactionSync(fn),
    reschedule: () => scheduler.reschedule(),
  });
  // Migrated before anything reads: the throttle loads its counters in its constructor.
  migrate(storage, VAULT_MIGRATIONS);
  const throttle = new VaultThrottle(stores.throttle, stores.throttleUsage, (bucket, window, cost) =>
    env.TENANT.get(env.TENANT.idFromName(lifecycle.requireConfig().tenantId)).leaseThrottle(bucket, window, cost),
  );
  const access = new VaultAccess(storage, stores.assignments, stores.hsmRoleDefinitions, stores.customRoleCopies, events);
  const contexts: HandlerContexts = new HandlerContexts({
    storage,
    stores,
    clock,
    keys,
    hsm,
    events,
    access,
    // Optional: a deployment without R2 still serves everything but managed HSM full backups.
    backups: env.BACKUPS === undefined ? null : r2BackupBucket(env.BACKUPS),
    dataKey: (config) => lifecycle.dataKey(config),
    rootKey: () => lifecycle.rootKey(),
    rootKeys: () => lifecycle.rootKeys(),
    recordWithin: (audit, result) => journal.recordWithin(audit, result),
    reschedule: () => scheduler.reschedule(),
    config: () => lifecycle.config,
    completionDelayMs: () => settings.completionDelayMs(),
  });

  // A new timed duty is one file in duties/ and one line here; registration order is the order an alarm runs them.
  const scheduler = new VaultScheduler(storage, clock, () => contexts.beginAlarmRun());
  const alarmContext = () => contexts.alarmContext();
  scheduler.register(scheduledPurgeDuty(stores.objects, alarmContext));
  const auditPrune = scheduler.register(auditPruneDuty({ storage, audit: stores.audit, vaults: stores.vaults, clock }));
  scheduler.register(keyRotationDuty(stores.rotations, alarmContext));
  scheduler.register(hsmPendingKeysDuty(stores.hsmPendingKeys, alarmContext));
  scheduler.register(certificateCompletionDuty(stores.certificateOperations, alarmContext));
  scheduler.register(certificateLifetimeDuty(stores.certificatePolicies, alarmContext));
  scheduler.register(eventDeliveryDuty(events));
  scheduler.register(hsmJobsDuty(stores.hsmJobs, alarmContext));
  const snapshots = new VaultSnapshots({
    storage,
    bucket: env.BACKUPS ?? null,
    clock,
    config: () => lifecycle.config,
    dataKey: (config) => lifecycle.dataKey(config),
    rootKeys: () => lifecycle.rootKeys(),
    // Rows under every part changed at once: what each holds in memory goes, as after a wipe, and the alarm re-arms.
    restored: () => {
      lifecycle.load();
      forgetHeld();
      scheduler.reschedule();
    },
  });
  const snapshotSchedule = new SnapshotScheduler({ storage, clock, snapshots, config: () => lifecycle.config, reschedule: () => scheduler.reschedule() });
  scheduler.register(snapshotDuty(snapshotSchedule));

  const journal: AuditJournal = new AuditJournal({
    storage,
    audit: stores.audit,
    throttle,
    clock,
    config: () => lifecycle.config,
    armPruning: () => scheduler.ensureCovers(auditPrune),
  });
  const pipeline = new RequestPipeline({
    config: () => lifecycle.config,
    clock,
    access,
    throttle,
    journal,
    contexts,
    objects: stores.objects,
    hsmDomain: stores.hsmDomain,
    networkAcls: () => settings.networkAcls(),
    accessModel: () => settings.accessModel(),
    policies: { check: (op, config) => policies.check(op, config) },
    pageTokens: new PageTokens(() => lifecycle.rootKeys()),
  });
  const settings = new OperationalSettings({
    storage,
    vaults: stores.vaults,
    throttleStore: stores.throttle,
    throttle,
    config: () => lifecycle.config,
    reschedule: () => scheduler.reschedule(),
  });
  const edge = new EdgeLeases(stores.vaults, clock);
  const policies = new VaultPolicies({
    storage,
    repo: stores.policyAssignments,
    sources: stores,
    clock,
    config: () => lifecycle.config,
    networkAcls: () => settings.networkAcls(),
  });
  lifecycle.load();
  return { lifecycle, access, pipeline, journal, settings, events, scheduler, edge, policies, snapshots, snapshotSchedule, rootKeyMove };
}
