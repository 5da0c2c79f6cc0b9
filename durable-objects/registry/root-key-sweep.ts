import { ROOT_KEY_HOLDERS_NAMED, type RootKeyMoveRequest, type RootKeyMoveResult, type RootKeyStatus } from "../../core/contract/root-keys.ts";
import { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import { vaultObjectAt } from "../../core/domain/vault/vault-object-address.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { HOLDS_NO_KEY, type DueHolder, type RootKeyRepository } from "../storage/root-key-repository.ts";

/** Holders moved per alarm run: each is one RPC and one re-wrap, so a run stays short; more re-arm at once. */
export const ROOT_KEY_SWEEP_BATCH = 10;
/** A holder that failed (the HSM bridge down, say) is tried again an hour later; the others go on meanwhile. */
const RETRY_MS = 60 * 60 * 1000;

export interface RootKeySweepDeps {
  readonly repo: RootKeyRepository;
  readonly env: Pick<Env, "ROOT_KEY" | "ROOT_KEYS" | "VAULT" | "TENANT" | "LOCAL_IMDS">;
  nowMs(): number;
  transaction<T>(fn: () => T): T;
}

/**
 * Root-key rotation's driver (docs/root-key-rotation.md): the registry knows every tenant and vault, so it walks them
 * from its alarm, a bounded batch per run, asking each to move to the sweep's target version; every answer is recorded
 * at once, so a crash or eviction resumes where it stopped. It answers the admin API's progress and decides retirement.
 */
export class RootKeySweep {
  constructor(private readonly deps: RootKeySweepDeps) {}

  ring(): RootKeyRing {
    return RootKeyRing.fromEnv(this.deps.env, this.deps.repo.retired());
  }

  status(): RootKeyStatus {
    const ring = this.ring();
    const state = (v: number) => (ring.isRetired(v) ? "retired" : v === ring.current ? "current" : "readable");
    const sweep = this.deps.repo.latestSweep();
    return {
      current: ring.current,
      versions: ring.versions.map((version) => ({ version, state: state(version) })),
      sweep:
        sweep === null
          ? null
          : {
              id: sweep.id,
              target: sweep.target,
              hsmKeyEncryptionKeys: sweep.hsmKeks,
              state: sweep.finishedAt === null ? "running" : "done",
              startedAt: sweep.startedAt,
              finishedAt: sweep.finishedAt,
              ...this.deps.repo.counts(sweep.id),
              remainingHolders: this.deps.repo.remaining(sweep.id, ROOT_KEY_HOLDERS_NAMED),
            },
    };
  }

  /** Starts a sweep to the current version (with `hsmKeks`, new HSM key-encryption keys too); the alarm runs it. */
  start(hsmKeks: boolean): RootKeyStatus {
    this.deps.transaction(() => {
      this.deps.repo.syncHolders();
      this.deps.repo.startSweep(this.ring().current, hsmKeks, this.deps.nowMs());
    });
    return this.status();
  }

  /**
   * Retires `version`: refused while any holder may still need it (named), and for the current version. Once retired
   * it is refused everywhere; a sweep starts to tell every vault, and backups sealed under it no longer restore.
   */
  retire(version: number): Result<RootKeyStatus> {
    const ring = this.ring();
    if (!ring.versions.includes(version)) return fail(new VaultError("NotFound", `Root key version ${version} is not configured.`));
    if (ring.isRetired(version)) return ok(this.status());
    if (version === ring.current) {
      return fail(new VaultError("Conflict", `Root key version ${version} is the current version; add a newer one and rotate first.`));
    }
    this.deps.repo.syncHolders();
    const { holders, count } = this.deps.repo.needing(version, ROOT_KEY_HOLDERS_NAMED);
    if (count > 0) {
      const named = holders.map((h) => `${h.kind} '${h.name}'${h.rootVersion === null ? " (not yet swept)" : ""}`).join(", ");
      return fail(new VaultError("Conflict", `Root key version ${version} is still needed by ${count} holder(s): ${named}. Rotate, wait for the sweep, then retire.`));
    }
    this.deps.transaction(() => {
      this.deps.repo.retire(version, this.deps.nowMs());
      this.deps.repo.startSweep(ring.current, false, this.deps.nowMs());
    });
    return ok(this.status());
  }

  /** When the alarm should next run the sweep (Unix ms), or null when there is nothing to do. */
  nextDueMs(): number | null {
    const sweep = this.deps.repo.latestSweep();
    return sweep === null || sweep.finishedAt !== null ? null : (this.deps.repo.nextDueMs(sweep.id, this.deps.nowMs()) ?? this.deps.nowMs());
  }

  /** One bounded batch of the running sweep; finishes it when no holder is left. */
  async runBatch(): Promise<void> {
    const sweep = this.deps.repo.latestSweep();
    if (sweep === null || sweep.finishedAt !== null) return;
    const request: RootKeyMoveRequest = { sweep: sweep.id, hsmKeks: sweep.hsmKeks, retired: this.deps.repo.retired() };
    for (const holder of this.deps.repo.due(sweep.id, this.deps.nowMs(), ROOT_KEY_SWEEP_BATCH)) {
      try {
        const result = await this.move(holder, request);
        this.deps.repo.moved(holder.kind, holder.nameKey, result.kind === "moved" ? result.rootVersion : HOLDS_NO_KEY, sweep.id);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        console.error(JSON.stringify({ event: "root-key-move-failed", kind: holder.kind, name: holder.nameKey, reason }));
        this.deps.repo.failed(holder.kind, holder.nameKey, reason.slice(0, 200), this.deps.nowMs() + RETRY_MS);
      }
    }
    if (this.deps.repo.nextDueMs(sweep.id, this.deps.nowMs()) === null) this.deps.repo.finishSweep(sweep.id, this.deps.nowMs());
  }

  /** A vault is reached where it is: a deleted one by its recorded placement, a live one through its name's pointer. */
  private async move(holder: DueHolder, request: RootKeyMoveRequest): Promise<RootKeyMoveResult> {
    const { env } = this.deps;
    if (holder.kind === "tenant") return env.TENANT.get(env.TENANT.idFromName(holder.nameKey)).moveRootKey();
    const localStandIn = env.LOCAL_IMDS === "true";
    const first = await vaultObjectAt(env.VAULT, localStandIn, holder.nameKey, holder.deletedPlacement).moveRootKey(request);
    if (first.kind !== "pointer") return first;
    const placed = await vaultObjectAt(env.VAULT, localStandIn, holder.nameKey, first.placement).moveRootKey(request);
    return placed.kind === "pointer" ? { kind: "none" } : placed;
  }
}
