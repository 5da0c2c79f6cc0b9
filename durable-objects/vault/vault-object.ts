import { DurableObject } from "cloudflare:workers";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { VaultDataKey } from "../../core/crypto/envelope/vault-data-key.ts";
import { rootKeyFromEnv, type RootKey } from "../../core/crypto/envelope/root-key.ts";
import { DAY_MS, systemClock, toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import { anyRoleGrants } from "../../core/domain/rbac/permission.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { forbiddenByRbac } from "../operations/rbac-errors.ts";
import { secretHandlers } from "../operations/secrets.ts";
import { keyHandlers } from "../operations/keys.ts";
import { keyCryptoHandlers } from "../operations/key-crypto.ts";
import { rotateDueKeys } from "../operations/key-rotation.ts";
import { purgeDueObjects } from "../operations/scheduled-purge.ts";
import { undoPendingTokenKeys } from "../operations/hsm-pending-keys.ts";
import { HsmPendingKeyRepository } from "../storage/hsm-pending-key-repository.ts";
import { SoftwareKeyProvider } from "../../core/crypto/providers/software-key-provider.ts";
import { KeyProviders } from "../../core/crypto/providers/key-providers.ts";
import { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import { HsmKeyProvider } from "../../core/hsm/hsm-key-provider.ts";
import type { HsmKeyReference } from "../../core/hsm/hsm-key-reference.ts";
import { destroyTokenKeys } from "../operations/hsm-keys.ts";
import { vaultTokenKeys } from "../operations/hsm-key-lifecycle.ts";
import { primitiveRate, runPrimitive, type BenchPrimitive } from "../../core/crypto/bench-primitives.ts";
import { bookkeepingRate, type BookkeepingRate } from "../bench-bookkeeping.ts";
import { RotationPolicyRepository } from "../storage/rotation-policy-repository.ts";
import type { VaultContext } from "../operations/vault-context.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { OpKind, VaultCall, VaultOp, VaultResults, VaultSettings } from "../../core/contract/vault.ts";
import { migrate } from "../storage/migrate.ts";
import { VAULT_MIGRATIONS } from "../storage/migrations.ts";
import { ObjectRepository } from "../storage/object-repository.ts";
import { RoleAssignmentRepository } from "../storage/role-assignment-repository.ts";
import { VaultRepository } from "../storage/vault-repository.ts";
import { VaultEvents } from "../operations/vault-events.ts";
import type { EventAdminOp, EventAdminResult } from "../../core/contract/events.ts";
import { vaultUri } from "../../core/domain/vault/vault-host.ts";
import { AUDIT_PRUNE_BATCH, AuditRepository } from "../storage/audit-repository.ts";
import { ThrottleRepository } from "../storage/throttle-repository.ts";
import { VaultThrottle } from "../operations/vault-throttle.ts";
import { throttleCharge } from "../operations/throttle-charge.ts";
import { RequestAudit } from "../operations/request-audit.ts";
import { PageTokens, withPageTokens } from "../operations/page-tokens.ts";
import { auditHandlers } from "../operations/audit-handlers.ts";
import { certificateHandlers } from "../operations/certificates.ts";
import { certificateIssuerHandlers } from "../operations/certificate-issuers.ts";
import { runDueLifetimeActions } from "../operations/certificate-lifetime.ts";
import { CertificatePolicyRepository } from "../storage/certificate-policy-repository.ts";
import { CertificateOperationRepository } from "../storage/certificate-operation-repository.ts";
import { CertificateIssuerRepository } from "../storage/certificate-issuer-repository.ts";
import { CertificateContactRepository } from "../storage/certificate-contact-repository.ts";
import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import { statusOf } from "../../core/errors/status.ts";
import { X509Error } from "../../core/crypto/x509/x509-error.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";

const HANDLERS = {
  ...secretHandlers,
  ...keyHandlers,
  ...keyCryptoHandlers,
  ...auditHandlers,
  ...certificateHandlers,
  ...certificateIssuerHandlers,
};

/** Audit pruning runs on the hour; records just past retention may wait that long. */
const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * One Durable Object per vault, named by the lower-cased vault name (so the name is globally unique
 * by construction). It holds the vault's versioned objects, soft-delete state and role assignments,
 * and is the single place a data-plane call is authorized.
 */
export class VaultObject extends DurableObject<Env> {
  /** Replaced by tests through runInDurableObject to move time; never elsewhere. */
  clock: Clock = systemClock;

  private readonly vaults: VaultRepository;
  private readonly objects: ObjectRepository;
  private readonly assignments: RoleAssignmentRepository;
  private readonly rotations: RotationPolicyRepository;
  private readonly events: VaultEvents;
  private readonly audit: AuditRepository;
  private readonly certificatePolicies: CertificatePolicyRepository;
  private readonly certificateOperations: CertificateOperationRepository;
  private readonly certificateIssuers: CertificateIssuerRepository;
  private readonly certificateContacts: CertificateContactRepository;
  private readonly throttleStore: ThrottleRepository;
  private readonly throttle: VaultThrottle;
  /** Whether the alarm already covers pruning the audit log (so recording need not re-arm it). */
  private auditPruneArmed = false;
  /** Records of reads waiting for their shared commit (recordTogether). */
  private pendingRecords: AuditRecord[] = [];
  private pendingFlush: Promise<void> | null = null;
  /** Prepared keys live as long as this object stays in memory (DESIGN.md §4: cache per isolate). */
  private readonly keys: KeyProviders;
  private readonly hsm: HsmBridge | null;
  private config: VaultConfig | null = null;
  private readonly dek: VaultDataKey;
  private readonly pageTokens = new PageTokens(() => this.rootKey());
  private readonly hsmPendingKeys: HsmPendingKeyRepository;
  /** principal id → role definition ids; rebuilt from storage after any assignment change. */
  private readonly rolesByPrincipal = new Map<string, readonly string[]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.hsm = HsmBridge.fromEnv(env);
    this.dek = new VaultDataKey(() => this.rootKey(), this.hsm);
    this.keys = new KeyProviders(new SoftwareKeyProvider(), this.hsm === null ? null : new HsmKeyProvider(this.hsm));
    this.vaults = new VaultRepository(ctx.storage.sql);
    this.hsmPendingKeys = new HsmPendingKeyRepository(ctx.storage.sql);
    this.objects = new ObjectRepository(ctx.storage.sql);
    this.assignments = new RoleAssignmentRepository(ctx.storage.sql);
    this.rotations = new RotationPolicyRepository(ctx.storage.sql);
    this.events = new VaultEvents(ctx.storage.sql, {
      config: () => this.requireConfig(),
      // Read at each use, so a test that replaces `clock` is seen.
      clock: { now: () => this.clock.now() },
      dataKey: () => this.dataKey(this.requireConfig()),
      vaultBaseUrl: () => {
        const { name, sku } = this.requireConfig();
        return vaultUri(env.ISSUER_ORIGIN, name, sku);
      },
      // A wrapper, not the bare global: the outbound fetch is looked up at call time.
      fetch: (input, init) => fetch(input, init),
      transaction: (fn) => ctx.storage.transactionSync(fn),
      reschedule: () => this.reschedule(),
    });
    this.audit = new AuditRepository(ctx.storage.sql);
    this.certificatePolicies = new CertificatePolicyRepository(ctx.storage.sql);
    this.certificateOperations = new CertificateOperationRepository(ctx.storage.sql);
    this.certificateIssuers = new CertificateIssuerRepository(ctx.storage.sql);
    this.certificateContacts = new CertificateContactRepository(ctx.storage.sql);
    // Migrated before anything reads: the throttle loads its counters in its constructor.
    migrate(ctx.storage, VAULT_MIGRATIONS);
    this.throttleStore = new ThrottleRepository(ctx.storage.sql, "vault");
    this.throttle = new VaultThrottle(this.throttleStore, (bucket, window, cost) =>
      this.env.TENANT.get(this.env.TENANT.idFromName(this.requireConfig().tenantId)).leaseThrottle(bucket, window, cost),
    );
    this.loadConfig();
  }

  /** Creates the vault (control plane). Fails if this name is already a vault. */
  async create(settings: VaultSettings): Promise<Result<VaultConfig>> {
    if (this.config !== null) return fail(new VaultError("VaultAlreadyExists", `The vault name '${settings.name}' is already in use.`));
    const config: VaultConfig = { ...settings, created: toUnixSeconds(this.clock.now()) };
    let made: Awaited<ReturnType<VaultDataKey["create"]>>;
    try {
      made = await this.dek.create(config);
    } catch (error) {
      if (error instanceof VaultError) return fail(error);
      throw error;
    }
    if (this.config !== null) {
      await made.undo();
      return fail(new VaultError("VaultAlreadyExists", `The vault name '${settings.name}' is already in use.`));
    }
    this.vaults.insert(config, made.stored.wrapped, made.stored.hsmKeyId);
    this.loadConfig();
    this.dek.adopt(made.stored, made.dataKey);
    return ok(config);
  }

  /** Benchmark baseline: a bare Worker→Durable Object round trip that touches no storage. */
  async echo(value: string): Promise<string> {
    return value;
  }

  /** Benchmark baseline for key operations: the round trip plus one raw primitive (bench-primitives.ts). */
  async benchPrimitive(name: BenchPrimitive): Promise<number> {
    return runPrimitive(name);
  }

  /** The raw primitive's rate inside this runtime, with no request around it. */
  async benchPrimitiveRate(name: BenchPrimitive, ms: number): Promise<{ operations: number; seconds: number }> {
    return primitiveRate(name, ms);
  }

  /** Benchmark: throttle and audit bookkeeping per request inside this runtime (bench-bookkeeping.ts); changes nothing. */
  async benchBookkeepingRate(ms: number): Promise<BookkeepingRate> {
    return bookkeepingRate(this.ctx.storage, ms);
  }

  async describe(): Promise<VaultConfig | null> {
    return this.config;
  }

  /** Removes the vault and everything in it, irreversibly (control-plane vault deletion). */
  async destroy(): Promise<void> {
    const config = this.config;
    const tokenKeys = await this.tokenKeysToDestroy();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // The object lives on and its name may be reused: start again from an empty, migrated schema.
    migrate(this.ctx.storage, VAULT_MIGRATIONS);
    this.throttle.reload();
    this.auditPruneArmed = false;
    this.config = null;
    this.dek.use(null);
    this.rolesByPrincipal.clear();
    if (config !== null) await destroyTokenKeys(this.context(config, null), tokenKeys);
  }

  /**
   * The HSM keys a vault deletion takes with it: its key versions never backed up, and its data key's wrapping key.
   * Best effort, like every token clean-up: what cannot be read now is logged and left (hsm-keys.ts).
   */
  private async tokenKeysToDestroy(): Promise<HsmKeyReference[]> {
    const config = this.config;
    if (config === null || this.hsm === null) return [];
    const dekKey = this.dek.hsmKeyId;
    const keys = await vaultTokenKeys(this.context(config, null)).catch((error: unknown) => {
      console.warn(JSON.stringify({ event: "hsm-keys-not-listed", vault: config.name, reason: error instanceof Error ? error.message : String(error) }));
      return [];
    });
    return dekKey === null ? keys : [...keys, { kty: "oct", hsmKeyId: dekKey }];
  }

  async listRoleAssignments(): Promise<RoleAssignment[]> {
    return this.assignments.all();
  }

  /** Webhook subscriptions and their deliveries (control plane; operations/vault-events.ts). */
  async manageEvents(op: EventAdminOp): Promise<Result<EventAdminResult>> {
    if (this.config === null) return fail(new VaultError("VaultNotFound", "The vault was not found."));
    return this.events.manage(op);
  }

  /** Role assignment changes raise VaultAccessPolicyChanged in the same transaction (an outbox). */
  async putRoleAssignment(assignment: RoleAssignment): Promise<RoleAssignment> {
    this.ctx.storage.transactionSync(() => {
      this.assignments.put(assignment);
      this.events.accessPolicyChanged();
    });
    this.rolesByPrincipal.clear();
    return assignment;
  }

  async deleteRoleAssignment(id: string): Promise<boolean> {
    const deleted = this.ctx.storage.transactionSync(() => {
      const removed = this.assignments.delete(id);
      if (removed) this.events.accessPolicyChanged();
      return removed;
    });
    this.rolesByPrincipal.clear();
    return deleted;
  }

  /** Called when a principal is deleted from its tenant: its grants go with it. */
  async removePrincipal(principalId: string): Promise<number> {
    const n = this.ctx.storage.transactionSync(() => {
      const removed = this.assignments.deleteForPrincipal(principalId);
      if (removed > 0) this.events.accessPolicyChanged();
      return removed;
    });
    this.rolesByPrincipal.clear();
    return n;
  }

  /**
   * The data plane's one entry point: the caller must belong to this vault's tenant and hold a role granting the
   * action the route declared, and only then is the request charged to the throttle (a refused request must not
   * spend the vault's budget); then the operation runs.
   * Every call that ends a request leaves exactly one audit record, written in the same transaction as
   * the operation's changes; if it cannot be written, the operation does not happen (fail closed).
   */
  async execute(call: VaultCall): Promise<Result<VaultResults[OpKind]>> {
    const config = this.config;
    if (config === null) return fail(new VaultError("VaultNotFound", "The vault was not found."));
    const audit = new RequestAudit(call, config, this.clock);
    try {
      // The Worker verified the token against this tenant's keys; checked again here so no path can skip it.
      if (call.caller.tenantId !== config.tenantId) throw new VaultError("Unauthorized", "AKV10032: Invalid issuer.");
      if (!anyRoleGrants(this.rolesOf(call.caller.objectId), call.action)) throw forbiddenByRbac(call, config);
      if (call.request.stage !== "completion") await this.throttle.admit(throttleCharge(call.op, this.objects), this.clock.now());
      // The table is typed per operation (SecretResults); dispatch by the op's own kind.
      const handler = HANDLERS[call.op.kind] as (ctx: VaultContext, op: VaultOp) => Promise<VaultResults[OpKind]>;
      const value = await withPageTokens(this.pageTokens, config, call, (op) => handler(this.context(config, audit), op));
      // A read changed nothing: its record joins those of concurrent reads in one commit (group commit),
      // and the answer still waits until the record is written.
      if (audit.recordsSuccess && !audit.written) await this.recordTogether(audit.succeeded(value));
      else if (!this.auditPruneArmed) this.reschedule();
      return ok(value);
    } catch (err) {
      // The X.509 layer's errors describe the client's input (a corrupt chain, an unusable key).
      const error = err instanceof VaultError ? err : err instanceof X509Error ? new VaultError("BadParameter", err.message) : null;
      try {
        this.record(error === null ? audit.failed(500, "InternalError") : audit.failed(statusOf(error.code), error.code));
      } catch (auditError) {
        // Fail closed: nothing was committed (the record shares the operation's transaction) and nothing is returned.
        console.error("audit record could not be written", auditError);
        return fail(auditUnavailable());
      }
      if (error === null) throw err;
      return fail(error);
    }
  }

  /**
   * The audit record of a request the Worker answered without calling {@link execute} (401 challenge,
   * input rejected at the boundary, unknown route). Time and vault come from here.
   */
  async recordRequest(entry: Omit<AuditRecord, "timeMs" | "tenantId" | "vault">): Promise<Result<null>> {
    const config = this.config;
    if (config === null) return fail(new VaultError("VaultNotFound", "The vault was not found."));
    try {
      this.ctx.storage.transactionSync(() => {
        this.audit.insert({ ...entry, timeMs: this.clock.now(), tenantId: config.tenantId, vault: config.name });
      });
    } catch (err) {
      console.error("audit record could not be written", err);
      return fail(auditUnavailable());
    }
    if (!this.auditPruneArmed) this.reschedule();
    return ok(null);
  }

  /** Throttle limits, audit retention: what a SaaS operator may tune per vault. */
  async operationalSettings(): Promise<VaultOperationalSettings> {
    this.requireConfig();
    return { throttleLimits: this.throttle.currentLimits(), auditRetentionDays: this.vaults.auditRetentionDays() };
  }

  async updateOperationalSettings(patch: VaultSettingsPatch): Promise<Result<VaultOperationalSettings>> {
    if (this.config === null) return fail(new VaultError("VaultNotFound", "The vault was not found."));
    this.ctx.storage.transactionSync(() => {
      if (patch.throttleLimits !== undefined) this.throttleStore.setOverrides(patch.throttleLimits);
      if (patch.auditRetentionDays !== undefined) this.vaults.setAuditRetentionDays(patch.auditRetentionDays);
    });
    this.throttle.reload();
    this.reschedule();
    return ok(await this.operationalSettings());
  }

  /**
   * Records of requests that changed nothing, written together: each commit costs far more than a row
   * (bench: ~0.3 ms of CPU per commit against ~0.04 ms per row), so reads arriving while the first waits
   * share its commit. Each caller's answer waits for the transaction holding its record; if that fails,
   * every caller in it fails closed.
   */
  private recordTogether(record: AuditRecord): Promise<void> {
    this.pendingRecords.push(record);
    if (this.pendingFlush === null) {
      this.pendingFlush = new Promise<void>((resolve, reject) => {
        // A macrotask: requests already queued for this object run (and queue their records) first.
        setTimeout(() => {
          const batch = this.pendingRecords;
          this.pendingRecords = [];
          this.pendingFlush = null;
          try {
            this.ctx.storage.transactionSync(() => {
              this.throttle.persist();
              for (const r of batch) this.audit.insert(r);
            });
            if (!this.auditPruneArmed) this.reschedule();
            resolve();
          } catch (err) {
            reject(err);
          }
        }, 0);
      });
    }
    return this.pendingFlush;
  }

  /** Writes a request's audit record with the throttle counts it consumed, atomically. */
  private record(record: AuditRecord): void {
    this.ctx.storage.transactionSync(() => {
      this.throttle.persist();
      this.audit.insert(record);
    });
    if (!this.auditPruneArmed) this.reschedule();
  }

  /**
   * Scheduled work: purges soft-deleted objects whose retention has ended and rotates keys whose
   * rotation policy has fallen due, then re-arms for the next one. A rotation that fails is retried by
   * the alarm's own retry; the others are already done and not repeated.
   */
  override async alarm(): Promise<void> {
    const config = this.config;
    if (config === null) return;
    const now = toUnixSeconds(this.clock.now());
    const context = this.context(config, null);
    await purgeDueObjects(context, now);
    this.pruneAudit();
    await rotateDueKeys(context, now);
    await undoPendingTokenKeys(context, now);
    await runDueLifetimeActions(context);
    await this.events.runDue(now);
    this.reschedule();
  }

  /**
   * What handlers may use. With a request's audit, the first transaction a handler runs also writes the
   * request's record and throttle counts, so the change and its record commit together or not at all.
   */
  private context(config: VaultConfig, audit: RequestAudit | null): VaultContext {
    return {
      config,
      objects: this.objects,
      rotations: this.rotations,
      audit: this.audit,
      certificatePolicies: this.certificatePolicies,
      certificateOperations: this.certificateOperations,
      certificateIssuers: this.certificateIssuers,
      certificateContacts: this.certificateContacts,
      clock: this.clock,
      keys: this.keys,
      hsm: this.hsm,
      hsmPendingKeys: this.hsmPendingKeys,
      dataKey: () => this.dataKey(config),
      rootKey: () => this.rootKey(),
      transaction: (fn) =>
        this.ctx.storage.transactionSync(() => {
          const result = fn();
          if (audit !== null && audit.recordsSuccess && !audit.written) {
            this.throttle.persist();
            this.audit.insert(audit.succeeded(result));
            audit.written = true;
          }
          return result;
        }),
      bookkeeping: (fn) => this.ctx.storage.transactionSync(fn),
      reschedule: () => this.reschedule(),
      events: this.events,
    };
  }

  /**
   * Deletes audit records past the vault's retention (issue 6: "pruning by alarm"), one bounded batch
   * per alarm so the vault never stalls on a large delete; the next alarm comes at once while more remain.
   */
  private pruneAudit(): void {
    const cutoff = this.clock.now() - this.vaults.auditRetentionDays() * DAY_MS;
    this.ctx.storage.transactionSync(() => this.audit.pruneOlderThan(cutoff, AUDIT_PRUNE_BATCH));
  }

  /**
   * When the oldest audit record leaves retention: at once if it already has, otherwise rounded up to
   * the hour so one alarm prunes an hour's records.
   */
  private nextAuditPrune(): number | null {
    const oldest = this.audit.oldestTimeMs();
    if (oldest === null) return null;
    const due = oldest + this.vaults.auditRetentionDays() * DAY_MS;
    if (due <= this.clock.now()) return toUnixSeconds(this.clock.now());
    return Math.ceil(due / AUDIT_PRUNE_INTERVAL_MS) * (AUDIT_PRUNE_INTERVAL_MS / 1000);
  }

  private reschedule(): void {
    const auditPrune = this.nextAuditPrune();
    this.auditPruneArmed = auditPrune !== null;
    const times = [
      this.objects.earliestScheduledPurge(),
      this.rotations.earliestRotation(),
      this.certificatePolicies.earliestAction(),
      auditPrune,
      this.events.nextDue(),
      this.hsmPendingKeys.nextDue(),
    ].filter((t): t is number => t !== null);
    const next = times.length === 0 ? null : Math.min(...times);
    // setAlarm/deleteAlarm are covered by the output gate, so callers need not await them.
    if (next === null) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(next * 1000);
  }

  private rolesOf(principalId: string): readonly string[] {
    let roles = this.rolesByPrincipal.get(principalId);
    if (roles === undefined) {
      roles = this.assignments.forPrincipal(principalId).map((a) => a.roleDefinitionId);
      this.rolesByPrincipal.set(principalId, roles);
    }
    return roles;
  }

  private loadConfig(): void {
    const loaded = this.vaults.load();
    this.config = loaded?.config ?? null;
    this.dek.use(loaded === null ? null : { wrapped: loaded.wrappedDek, hsmKeyId: loaded.dekHsmKeyId });
  }

  private requireConfig(): VaultConfig {
    if (this.config === null) throw new VaultError("VaultNotFound", "The vault was not found.");
    return this.config;
  }

  private rootKey(): Promise<RootKey> {
    return rootKeyFromEnv(this.env.ROOT_KEY);
  }

  private dataKey(config: VaultConfig): Promise<DataKey> {
    return this.dek.open(config);
  }
}

const auditUnavailable = (): VaultError =>
  new VaultError("ServiceUnavailable", "The request was not processed because its audit record could not be written.");


