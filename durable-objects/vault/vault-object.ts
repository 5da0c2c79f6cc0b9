import { DurableObject } from "cloudflare:workers";
import { systemClock, type Clock } from "../../core/domain/clock.ts";
import { fail, type Result } from "../../core/errors/result.ts";
import type { BenchPrimitive } from "../../core/crypto/bench-primitives.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
import type { OpKind, VaultCall, VaultResults, VaultSettings } from "../../core/contract/vault.ts";
import type { EventAdminOp, EventAdminResult } from "../../core/contract/events.ts";
import type { WorkerAuditEntry } from "./audit-journal.ts";
import type { BookkeepingRate } from "./bench-bookkeeping.ts";
import { BenchSurface } from "./bench-surface.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";
import { vaultParts, type VaultParts } from "./vault-parts.ts";

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

  /** Creates the vault. Fails if this name is already a vault. */
  async create(settings: VaultSettings): Promise<Result<VaultConfig>> {
    return this.parts.lifecycle.create(settings);
  }

  async describe(): Promise<VaultConfig | null> {
    return this.parts.lifecycle.config;
  }

  /** Removes the vault and everything in it, irreversibly. */
  async destroy(): Promise<void> {
    return this.parts.lifecycle.destroy();
  }

  // Data plane: request-pipeline.ts, audit-journal.ts.

  async execute(call: VaultCall): Promise<Result<VaultResults[OpKind]>> {
    return this.parts.pipeline.execute(call);
  }

  /** The audit record of a request the Worker answered without calling {@link execute}. */
  async recordRequest(entry: WorkerAuditEntry): Promise<Result<null>> {
    return this.parts.journal.recordRequest(entry);
  }

  // Role assignments: vault-access.ts.

  async listRoleAssignments(): Promise<RoleAssignment[]> {
    return this.parts.access.list();
  }

  /** Role assignment changes raise VaultAccessPolicyChanged in the same transaction (an outbox). */
  async putRoleAssignment(assignment: RoleAssignment): Promise<RoleAssignment> {
    return this.parts.access.put(assignment);
  }

  async deleteRoleAssignment(id: string): Promise<boolean> {
    return this.parts.access.delete(id);
  }

  /** Called when a principal is deleted from its tenant: its grants go with it. */
  async removePrincipal(principalId: string): Promise<number> {
    return this.parts.access.removePrincipal(principalId);
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

  async updateOperationalSettings(patch: VaultSettingsPatch): Promise<Result<VaultOperationalSettings>> {
    return this.parts.settings.update(patch);
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
}
