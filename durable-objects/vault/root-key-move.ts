import type { RootKeyMoveRequest, RootKeyMoveResult } from "../../core/contract/root-keys.ts";
import { RootKeyRing, type RootKeySecrets } from "../../core/crypto/envelope/root-key-ring.ts";
import type { VaultDataKey } from "../../core/crypto/envelope/vault-data-key.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { VaultLocation } from "../../core/domain/vault/placement-pointer.ts";
import type { VaultRepository } from "../storage/vault-repository.ts";

/**
 * Key-value entries (beside `placement`, vault-lifecycle.ts): the retired root key versions, and the sweep whose new
 * HSM key-encryption key this vault already has. Neither is secret.
 */
const RETIRED_KEY = "root-keys-retired";
const HSM_KEK_SWEEP_KEY = "hsm-kek-sweep";

export interface RootKeyMoveDeps {
  readonly storage: DurableObjectStorage;
  readonly vaults: VaultRepository;
  readonly dek: VaultDataKey;
  readonly env: RootKeySecrets;
  /** The vault, live or soft-deleted (a deleted vault's data key is kept, so it moves too); null when none. */
  held(): VaultConfig | null;
  /** Where the vault of this name is when this object holds none (vault-lifecycle.ts locate). */
  locate(): VaultLocation;
}

/**
 * One vault's part of root-key rotation (docs/root-key-rotation.md): its data key re-wrapped under the newest root
 * key version, and with `hsmKeks` under a new HSM token key (made first, the old destroyed once the new wrapping is
 * stored). One row per vault, so a call is bounded work; the registry's alarm walks the vaults. Requests go on
 * throughout: the data key itself never changes, so what is open stays open and nothing sealed under it moves.
 */
export class RootKeyMove {
  private running: Promise<RootKeyMoveResult> | null = null;

  constructor(private readonly deps: RootKeyMoveDeps) {}

  /** The deployment's ring without the versions the registry retired. */
  ring(): RootKeyRing {
    const retired = this.deps.storage.kv.get<number[]>(RETIRED_KEY) ?? [];
    return RootKeyRing.fromEnv(this.deps.env, retired);
  }

  /** Moves this vault; concurrent calls share one run, so the data key is never re-wrapped twice at once. */
  move(request: RootKeyMoveRequest): Promise<RootKeyMoveResult> {
    this.running ??= this.run(request).finally(() => (this.running = null));
    return this.running;
  }

  private async run(request: RootKeyMoveRequest): Promise<RootKeyMoveResult> {
    const config = this.deps.held();
    const before = this.deps.dek.current;
    if (config === null || before === null) {
      const location = this.deps.locate();
      return location?.kind === "pointer" ? { kind: "pointer", placement: location.placement } : { kind: "none" };
    }
    this.deps.storage.kv.put(RETIRED_KEY, [...new Set(request.retired)].sort((a, b) => a - b));
    const newHsmKey = request.hsmKeks && before.hsmKeyId !== null && this.deps.storage.kv.get<number>(HSM_KEK_SWEEP_KEY) !== request.sweep;
    if (before.rootVersion === this.ring().current && !newHsmKey) return { kind: "moved", rootVersion: before.rootVersion };
    const made = await this.deps.dek.rewrap(config, newHsmKey);
    // The re-wrap awaited (crypto, the HSM bridge): a purge or re-creation meanwhile makes it void.
    if (this.deps.dek.current !== before) {
      await made.undo();
      return this.run(request);
    }
    this.deps.storage.transactionSync(() => {
      this.deps.vaults.setDataKey(made.stored);
      if (newHsmKey) this.deps.storage.kv.put(HSM_KEK_SWEEP_KEY, request.sweep);
    });
    this.deps.dek.rewrapped(made.stored);
    if (made.retiredHsmKeyId !== null) await this.deps.dek.discardTokenKey(config, made.retiredHsmKeyId);
    return { kind: "moved", rootVersion: made.stored.rootVersion };
  }
}
