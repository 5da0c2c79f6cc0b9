import { DurableObject } from "cloudflare:workers";
import type { RootKeyMoveRequest, RootKeyMoveResult } from "../../core/contract/root-keys.ts";
import { systemClock, type Clock } from "../../core/domain/clock.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { BenchPrimitive } from "../../core/crypto/bench-primitives.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import type { VaultRoleCopy } from "../../core/domain/rbac/vault-custom-role.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { ThrottleUsage } from "../../core/domain/throttle/usage-history.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
import type { OpKind, VaultCall, VaultResults, VaultSettings } from "../../core/contract/vault.ts";
import type { EventAdminOp, EventAdminResult } from "../../core/contract/events.ts";
import type { PolicyAdminOp, PolicyAdminResult } from "../../core/contract/vault-policies.ts";
import type { EdgeReadAuditEntry, WorkerAuditEntry } from "./audit-journal.ts";
import type { EdgeRead } from "../../core/contract/edge-read.ts";
import type { BookkeepingRate } from "./bench-bookkeeping.ts";
import { BenchSurface } from "./bench-surface.ts";
import { servePublishedKeySet } from "./published-key-sets.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";
import { vaultParts, type VaultParts } from "./vault-parts.ts";
import { edgeCacheable } from "../../core/domain/vault/edge-lease.ts";
import type { DeletedVault } from "../../core/domain/vault/deleted-vault.ts";
import { readPlacement, type VaultPlacement } from "../../core/domain/vault/placement.ts";
import type { VaultLocation } from "../../core/domain/vault/placement-pointer.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { OperationalSettings } from "./operational-settings.ts";
import { changeSettings } from "./settings-change.ts";
import type { SnapshotAdminOp, SnapshotAdminResult } from "../../core/contract/vault-snapshots.ts";
import { manageSnapshots } from "./snapshot-admin.ts";

/**
 * One Durable Object per vault, named by the lower-cased vault name (so the name is globally unique by construction).
 * It holds the vault's versioned objects, soft-delete state and role assignments, and is the single place a
 * data-plane call is authorized. This class is only its RPC surface: each method hands over to the part doing that
 * job (vault-parts.ts wires them; docs/architecture.md walks a request through them).
 */
export class VaultObject extends DurableObject<Env> {
  /** Replaced by tests through runInDurableObject to move time; never elsewhere. */
  clock: Clock = systemClock;

  private readonly parts: VaultParts;
  private readonly bench: BenchSurface;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Read at each use, so a test that replaces `clock` is seen by every part.
    this.parts = vaultParts(ctx, env, { now: () => this.clock.now() });
    this.bench = new BenchSurface(ctx.storage);
  }

  // Control plane: vault-lifecycle.ts.

  /**
   * Creates the vault with its initial settings (ARM's vault body: networkAcls, cors, access policies…), all or
   * nothing: settings this kind of vault cannot take refuse the creation before anything is made. Fails if this name
   * is already a vault, live or soft-deleted.
   */
  async create(settings: VaultSettings, initial: VaultSettingsPatch = {}): Promise<Result<VaultConfig>> {
    const placement = readPlacement((settings as { placement?: unknown }).placement);
    const refused = OperationalSettings.refusal({ sku: settings.sku, ...(placement == null ? {} : { placement }) }, initial);
    if (refused !== null) return fail(refused);
    const created = await this.parts.lifecycle.create(settings);
    if (!created.ok || Object.keys(initial).length === 0) return created;
    // Same call, no await since the vault was made: nothing can see it without these settings.
    const applied = this.parts.settings.update(initial);
    return applied.ok ? created : applied;
  }

  async describe(): Promise<VaultConfig | null> {
    return this.parts.lifecycle.config;
  }

  /**
   * Soft delete (docs/access-control.md "Vault soft delete"): the vault answers as one that does not exist, keeps
   * everything until recovered or purged, and returns once reads kept at the edge have run out, so no edge serves it
   * after the deletion is reported done.
   */
  async softDelete(deletion: Pick<DeletedVault, "deletedAt" | "scheduledPurgeAt">): Promise<Result<DeletedVault>> {
    const deleted = await this.parts.lifecycle.softDelete(deletion);
    if (deleted.ok) await this.parts.edge.outlive();
    return deleted;
  }

  /** The soft-deleted vault this object holds, or null. */
  async describeDeleted(): Promise<DeletedVault | null> {
    return this.parts.lifecycle.deleted;
  }

  /** Everything the soft-deleted vault held serves again. */
  async recover(): Promise<Result<VaultConfig>> {
    return this.parts.lifecycle.recover();
  }

  /**
   * Destroys a soft-deleted vault as {@link destroy} does; refused while the vault is live, and claimed before the
   * first await, so a recovery racing the purge is refused rather than wiped (vault-lifecycle.ts `purging`).
   */
  async purge(): Promise<Result<null>> {
    if (!this.parts.lifecycle.beginPurge()) return fail(new VaultError("Conflict", "The vault is not deleted, or is being purged: only a deleted vault can be purged."));
    try {
      await this.destroy();
    } finally {
      this.parts.lifecycle.endPurge();
    }
    return ok(null);
  }

  /** ARM's enablePurgeProtection: true, once on, for good. */
  async enablePurgeProtection(): Promise<Result<VaultConfig>> {
    return this.parts.lifecycle.enablePurgeProtection();
  }

  /** Removes the vault and everything in it, irreversibly (the purge of a deleted vault). */
  async destroy(): Promise<void> {
    // Before the wipe too: after a restart only storage knows how far leases granted before it may run.
    await this.parts.edge.outlive();
    await this.parts.lifecycle.destroy();
    await this.parts.edge.outlive();
  }

  /** Where the vault of this name is: here, in the jurisdiction a pointer names, or nowhere (docs/placement.md). */
  async locate(): Promise<VaultLocation> {
    return this.parts.lifecycle.locate();
  }

  /** Control plane, on a name's default-namespace object only: points to its vault's jurisdiction, or (null) to none. */
  async pointTo(placement: VaultPlacement | null): Promise<Result<null>> {
    return this.parts.lifecycle.pointTo(placement);
  }

  /** Root-key rotation, asked by the registry's sweep (root-key-move.ts, docs/root-key-rotation.md). */
  async moveRootKey(request: RootKeyMoveRequest): Promise<RootKeyMoveResult> {
    return this.parts.rootKeyMove.move(request);
  }

  // Data plane: request-pipeline.ts, audit-journal.ts.

  async execute(call: VaultCall): Promise<Result<VaultResults[OpKind]>> {
    const result = await this.parts.pipeline.execute(call);
    if (result.ok) await this.parts.edge.afterChange(call.op);
    return result;
  }

  /**
   * Calls of one batch (worker/routes/edge-batch-get.ts) in one round trip, each its own request as {@link execute}
   * runs it (roles, throttle, audit record; reads share a commit). All are awaited before any exception is rethrown,
   * so no call is left running behind a failed batch.
   */
  async executeEach(calls: readonly VaultCall[]): Promise<Result<VaultResults[OpKind]>[]> {
    const settled = await Promise.allSettled(calls.map((call) => this.execute(call)));
    return settled.map((outcome) => {
      if (outcome.status === "rejected") throw outcome.reason;
      return outcome.value;
    });
  }

  /**
   * A read the Worker may keep at the edge (edge-leases.ts): the answer carries the lease's expiry, or null when the
   * vault does not keep it. The lease is reserved before the read looks at anything.
   */
  async executeForEdge(call: VaultCall): Promise<Result<EdgeRead<VaultResults[OpKind]>>> {
    // Only reads may be kept; anything else would skip the wait its change owes (afterChange).
    if (!edgeCacheable(call.op)) throw new Error(`${call.op.kind} cannot be kept at the edge`);
    const leaseUntilMs = this.parts.edge.reserve(call.op);
    const result = await this.parts.pipeline.execute(call);
    return result.ok ? ok({ value: result.value, leaseUntilMs }) : result;
  }

  /** The audit records of reads the Worker answered from its edge cache, batched (worker/edge/edge-audit-batch.ts). */
  async recordEdgeReads(entries: readonly EdgeReadAuditEntry[]): Promise<Result<null>> {
    return this.parts.journal.recordEdgeReads(entries);
  }

  /** The audit record of a request the Worker answered without calling {@link execute}. */
  async recordRequest(entry: WorkerAuditEntry): Promise<Result<null>> {
    return this.parts.journal.recordRequest(entry);
  }

  /** A published key set, read without a token while the vault's publicJwks setting is on: published-key-sets.ts. */
  async publishedKeySet(input: Parameters<typeof servePublishedKeySet>[1]): ReturnType<typeof servePublishedKeySet> {
    return servePublishedKeySet(this.parts, input);
  }

  // Role assignments: vault-access.ts.

  async listRoleAssignments(): Promise<RoleAssignment[]> {
    return this.parts.access.list();
  }

  /** Role assignment changes raise VaultAccessPolicyChanged in the same transaction (an outbox). */
  async putRoleAssignment(assignment: RoleAssignment, customRole?: VaultRoleCopy): Promise<RoleAssignment> {
    const put = this.parts.access.put(assignment, customRole);
    // A replaced assignment may have granted more: permissions kept at the edge run out first (edge-leases.ts).
    await this.parts.edge.outlive();
    return put;
  }

  async deleteRoleAssignment(id: string): Promise<boolean> {
    const deleted = this.parts.access.delete(id);
    await this.parts.edge.outlive();
    return deleted;
  }

  /** Called when a principal is deleted from its tenant: its grants go with it. */
  async removePrincipal(principalId: string): Promise<number> {
    const removed = this.parts.access.removePrincipal(principalId);
    await this.parts.edge.outlive();
    return removed;
  }

  // The tenant's custom roles (docs/access-control.md "Custom roles"): the tenant holds them, the vault a copy of each
  // its assignments use, replaced when the tenant's changes.

  /** How many assignments here name the role: a tenant refuses to delete one still assigned. */
  async customRoleUses(roleDefinitionId: string): Promise<number> {
    return this.parts.access.usesOf(roleDefinitionId);
  }

  /** A custom role changed at the tenant: a copy held here is replaced, and permissions kept at the edge run out. */
  async syncCustomRole(copy: VaultRoleCopy): Promise<boolean> {
    const changed = this.parts.access.syncCustomRole(copy);
    if (changed) await this.parts.edge.outlive();
    return changed;
  }

  /** A custom role deleted at the tenant: assignments of it that raced the deletion go. */
  async dropCustomRole(roleDefinitionId: string): Promise<number> {
    const removed = this.parts.access.dropCustomRole(roleDefinitionId);
    if (removed > 0) await this.parts.edge.outlive();
    return removed;
  }

  // Events and operational settings (control plane): operations/vault-events.ts, operational-settings.ts.

  /** Webhook subscriptions and their deliveries. */
  async manageEvents(op: EventAdminOp): Promise<Result<EventAdminResult>> {
    return this.parts.lifecycle.config === null ? fail(vaultNotFound()) : this.parts.events.manage(op);
  }

  /** Throttle limits, audit retention: what a SaaS operator may tune per vault. */
  async operationalSettings(): Promise<VaultOperationalSettings> {
    return this.parts.settings.read();
  }

  /** Its use of its throttle limits over the last windows, by this object's clock (the admin API's usage report). */
  async throttleUsage(): Promise<ThrottleUsage> {
    return this.parts.settings.usage(this.clock.now());
  }

  async updateOperationalSettings(patch: VaultSettingsPatch): Promise<Result<VaultOperationalSettings>> {
    return changeSettings(this.parts, this.ctx.storage, patch);
  }

  // Vault policies (control plane): vault-policies.ts, docs/vault-policies.md.

  /** Policy assignments at this vault and copies of its tenant's; the compliance report. */
  async managePolicies(op: PolicyAdminOp): Promise<Result<PolicyAdminResult>> {
    return this.parts.policies.manage(op);
  }

  /** Whole-vault snapshots, their schedule, restores and point-in-time restore: snapshot-admin.ts. */
  async manageSnapshots(op: SnapshotAdminOp): Promise<Result<SnapshotAdminResult>> {
    return manageSnapshots(this.parts, this.ctx, this.clock, op);
  }

  /** Every timed duty's due work (duties/), then the next alarm: vault-scheduler.ts. */
  override async alarm(): Promise<void> {
    return this.parts.scheduler.alarm();
  }

  // Benchmark baselines, reached only when BENCH_ECHO is "true": bench-surface.ts.

  async echo(value: string): Promise<string> {
    return this.bench.echo(value);
  }

  async benchPrimitive(name: BenchPrimitive): Promise<number> {
    return this.bench.primitive(name);
  }

  async benchPrimitiveRate(name: BenchPrimitive, ms: number): Promise<{ operations: number; seconds: number }> {
    return this.bench.primitiveRate(name, ms);
  }

  async benchBookkeepingRate(ms: number): Promise<BookkeepingRate> {
    return this.bench.bookkeepingRate(ms);
  }

  /** Secrets in bulk for the list bench, sealed with this vault's data key (bench-seed.ts). */
  async benchSeedSecrets(seed: Parameters<BenchSurface["seedSecrets"]>[0]): ReturnType<BenchSurface["seedSecrets"]> {
    return this.bench.seedSecrets(seed, this.parts.lifecycle, this.clock.now());
  }
}
