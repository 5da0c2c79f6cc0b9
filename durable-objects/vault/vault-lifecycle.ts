import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import type { VaultDataKey } from "../../core/crypto/envelope/vault-data-key.ts";
import type { RootKey } from "../../core/crypto/envelope/root-key.ts";
import type { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import { toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { deletedVaultOf, type DeletedVault } from "../../core/domain/vault/deleted-vault.ts";
import { readPlacement, type VaultPlacement } from "../../core/domain/vault/placement.ts";
import type { VaultLocation } from "../../core/domain/vault/placement-pointer.ts";
import type { VaultSettings } from "../../core/contract/vault.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import type { HsmKeyReference } from "../../core/hsm/hsm-key-reference.ts";
import { destroyTokenKeys } from "../operations/hsm-keys.ts";
import { vaultTokenKeys } from "../operations/hsm-key-lifecycle.ts";
import type { VaultContext } from "../operations/vault-context.ts";
import { migrate } from "../storage/migrate.ts";
import { VAULT_MIGRATIONS } from "../storage/migrations.ts";
import type { VaultDeletion, VaultRepository } from "../storage/vault-repository.ts";

export const vaultNotFound = (): VaultError => new VaultError("VaultNotFound", "The vault was not found.");

const alreadyExists = (name: string): VaultError => new VaultError("VaultAlreadyExists", `The vault name '${name}' is already in use.`);

/**
 * Two entries of the object's key-value storage (docs/placement.md), beside its SQL tables: the vault's own
 * placement, written with its settings row; and, in the default-namespace object of a name whose vault was made in a
 * jurisdiction, the pointer there. Neither is secret: a jurisdiction and a location hint.
 */
const PLACEMENT_KEY = "placement";
const POINTER_KEY = "placement-pointer";

/** What a creation carries; `placement` is read as unknown and checked, as anything arriving over RPC. */
type CreateSettings = VaultSettings & { readonly placement?: unknown };

export interface LifecycleDeps {
  readonly storage: DurableObjectStorage;
  readonly vaults: VaultRepository;
  readonly dek: VaultDataKey;
  readonly hsm: HsmBridge | null;
  readonly clock: Clock;
  /** The root key ring, read at each use (root-key-move.ts: the Worker secrets less the retired versions). */
  ring(): RootKeyRing;
  /** A context without a request, for the HSM clean-up of a deletion (handler-context.ts). */
  context(config: VaultConfig): VaultContext;
  /** Deletes the alarm (vault-scheduler.ts). */
  disarm(): Promise<void>;
  /** Arms the alarm for the duties' due work again (a recovered vault, vault-scheduler.ts). */
  rearm(): void;
  /** Drops what other parts hold in memory about the old storage (throttle counts, alarm cover, role cache). */
  wiped(): void;
}

/**
 * Whether this object is a vault, and its keys: creation and deletion (control plane), the configuration, the data
 * key that seals values and the root key above it.
 */
export class VaultLifecycle {
  private current: VaultConfig | null = null;
  /** A soft-deleted vault: everything is kept, nothing is served (docs/access-control.md "Vault soft delete"). */
  private deletedVault: DeletedVault | null = null;
  /** The soft-deleted vault's configuration, for its purge's HSM clean-up. */
  private deletedConfig: VaultConfig | null = null;
  /**
   * A purge has begun: it awaits edge leases and the HSM bridge before it wipes, so a recovery or creation meanwhile
   * must be refused, or the wipe would destroy the vault they reported restored.
   */
  private purging = false;

  constructor(private readonly deps: LifecycleDeps) {}

  /**
   * Claims the vault for its purge, synchronously; false while it is live or already purging. What is left of a vault
   * whose purge failed half-way may be purged again.
   */
  beginPurge(): boolean {
    if (this.current !== null || this.purging) return false;
    this.purging = true;
    return true;
  }

  endPurge(): void {
    this.purging = false;
  }

  /** The vault's configuration; null while this object is no vault (never created, or deleted). */
  get config(): VaultConfig | null {
    return this.current;
  }

  requireConfig(): VaultConfig {
    if (this.current === null) throw vaultNotFound();
    return this.current;
  }

  /** The soft-deleted vault this object holds, or null (live, or no vault at all). */
  get deleted(): DeletedVault | null {
    return this.deletedVault;
  }

  /**
   * Reads the configuration and the wrapped data key from storage (construction, creation, deletion, recovery). A
   * soft-deleted vault has no configuration, so every data-plane and settings call finds no vault; its data key stays
   * loaded, because its purge reads the HSM key references sealed under it.
   */
  load(): void {
    const loaded = this.deps.vaults.load();
    const config = loaded === null ? null : withPlacement(loaded.config, readPlacement(this.deps.storage.kv.get(PLACEMENT_KEY)));
    const deletion = loaded?.deletion ?? null;
    this.current = deletion === null ? config : null;
    this.deletedConfig = deletion === null ? null : config;
    this.deletedVault = config === null || deletion === null ? null : { ...deletedVaultOf(config, 0), ...deletion };
    this.deps.dek.use(loaded?.dataKey ?? null);
  }

  /**
   * Soft delete (control plane): the vault stops answering, keeps everything, and is purged at the end of its
   * retention unless recovered first. `deletion` is the registry's record (its clock schedules the purge). Its alarm
   * stops too: no rotation, purge or delivery runs while it is deleted.
   */
  async softDelete(deletion: VaultDeletion): Promise<Result<DeletedVault>> {
    const config = this.current;
    if (config === null) return fail(vaultNotFound());
    if (!Number.isSafeInteger(deletion.deletedAt) || !Number.isSafeInteger(deletion.scheduledPurgeAt)) {
      return fail(badParameter("A vault deletion names when it was deleted and when it is purged."));
    }
    const deleted: DeletedVault = { ...deletedVaultOf(config, 0), deletedAt: deletion.deletedAt, scheduledPurgeAt: deletion.scheduledPurgeAt };
    this.deps.storage.transactionSync(() => this.deps.vaults.setDeletion(deleted));
    // No await between the write and the reload: no request is served by a vault already deleted in storage.
    this.load();
    this.deps.wiped();
    await this.deps.disarm();
    return ok(deleted);
  }

  /** Recovery of a soft-deleted vault: everything it held serves again, its timed duties re-armed. */
  recover(): Result<VaultConfig> {
    if (this.purging) return fail(beingPurged());
    if (this.deletedVault === null) return fail(vaultNotFound());
    this.deps.storage.transactionSync(() => this.deps.vaults.setDeletion(null));
    this.load();
    this.deps.wiped();
    this.deps.rearm();
    return ok(this.requireConfig());
  }

  /** ARM's enablePurgeProtection turned on after creation; it is never turned off (the route refuses false). */
  enablePurgeProtection(): Result<VaultConfig> {
    if (this.current === null) return fail(vaultNotFound());
    this.deps.vaults.enablePurgeProtection();
    this.load();
    return ok(this.requireConfig());
  }

  /**
   * Creates the vault (control plane). Fails if this name is already a vault. `contents` (a snapshot's restore,
   * vault-snapshots.ts) prepares writes under the new data key; they commit in the transaction that makes the vault,
   * so a failure in them leaves no vault at all.
   */
  async create(settings: CreateSettings, contents?: (config: VaultConfig, dataKey: DataKey) => Promise<() => void>): Promise<Result<VaultConfig>> {
    if (this.purging) return fail(beingPurged());
    if (this.current !== null || this.deletedVault !== null) return fail(alreadyExists(settings.name));
    const { placement: given, ...fixed } = settings;
    const placement = readPlacement(given);
    if (placement === null) return fail(badParameter("The vault's placement is not valid."));
    const config = withPlacement({ ...fixed, created: toUnixSeconds(this.deps.clock.now()) }, placement);
    let made: Awaited<ReturnType<VaultDataKey["create"]>>;
    try {
      made = await this.deps.dek.create(config);
    } catch (error) {
      if (error instanceof VaultError) return fail(error);
      throw error;
    }
    try {
      const write = contents === undefined ? null : await contents(config, made.dataKey);
      // The data key's creation awaited (the HSM bridge): a concurrent create may have won meanwhile.
      if (this.current !== null || this.deletedVault !== null) throw alreadyExists(settings.name);
      this.deps.storage.transactionSync(() => {
        this.deps.vaults.insert(config, made.stored);
        if (placement !== undefined) this.deps.storage.kv.put(PLACEMENT_KEY, placement);
        // This object is the vault now: a pointer left by an earlier vault of the name made elsewhere is void.
        this.deps.storage.kv.delete(POINTER_KEY);
        write?.();
      });
    } catch (error) {
      await made.undo();
      if (error instanceof VaultError) return fail(error);
      throw error;
    }
    this.load();
    this.deps.dek.adopt(made.stored, made.dataKey);
    return ok(config);
  }

  /** Removes the vault, live or soft-deleted, and everything in it, irreversibly (the purge of a deleted vault). */
  async destroy(): Promise<void> {
    const config = this.liveOrDeleted();
    const tokenKeys = await this.tokenKeysToDestroy();
    await this.deps.disarm();
    await this.deps.storage.deleteAll();
    // The object lives on and its name may be reused: start again from an empty, migrated schema.
    migrate(this.deps.storage, VAULT_MIGRATIONS);
    this.deps.wiped();
    this.current = null;
    this.deletedVault = null;
    this.deletedConfig = null;
    this.deps.dek.use(null);
    if (config !== null) await destroyTokenKeys(this.deps.context(config), tokenKeys);
  }

  /**
   * Where the vault of this object's name is (the data plane asks the default-namespace object, docs/placement.md):
   * here, or in the jurisdiction the pointer names, or nowhere.
   */
  locate(): VaultLocation {
    if (this.current !== null) return { kind: "vault", config: this.current };
    const pointer = readPlacement(this.deps.storage.kv.get(POINTER_KEY));
    return pointer?.jurisdiction === undefined ? null : { kind: "pointer", placement: pointer };
  }

  /**
   * Control plane, on the default-namespace object of a name: records that its vault is made in `placement`'s
   * jurisdiction, or (null) that there is none any more. Refused while this object is itself a vault, so a pointer
   * never hides one.
   */
  pointTo(placement: VaultPlacement | null): Result<null> {
    if (placement === null) {
      this.deps.storage.kv.delete(POINTER_KEY);
      return ok(null);
    }
    const checked = readPlacement(placement);
    if (checked?.jurisdiction === undefined) return fail(badParameter("A placement pointer names a jurisdiction."));
    const held = this.liveOrDeleted();
    if (held !== null) return fail(alreadyExists(held.name));
    this.deps.storage.kv.put(POINTER_KEY, checked);
    return ok(null);
  }

  /** The vault's data key (opened once, through the HSM bridge when the root of trust is there). */
  dataKey(config: VaultConfig): Promise<DataKey> {
    return this.deps.dek.open(config);
  }

  /** The vault's configuration, live or soft-deleted (what a purge destroys, what holds the name's object). */
  liveOrDeleted(): VaultConfig | null {
    return this.current ?? this.deletedConfig;
  }

  /** The current root key version's key: what new seals (backups, page tokens, release signers) are made under. */
  rootKey(): Promise<RootKey> {
    return this.deps.ring().currentKey().then((current) => current.root);
  }

  rootKeys(): RootKeyRing {
    return this.deps.ring();
  }

  /**
   * The HSM keys a vault deletion takes with it: its key versions never backed up, and its data key's wrapping key.
   * Best effort, like every token clean-up: what cannot be read now is logged and left (hsm-keys.ts).
   */
  private async tokenKeysToDestroy(): Promise<HsmKeyReference[]> {
    const config = this.liveOrDeleted();
    if (config === null || this.deps.hsm === null) return [];
    const dekKey = this.deps.dek.hsmKeyId;
    const keys = await vaultTokenKeys(this.deps.context(config)).catch((error: unknown) => {
      console.warn(JSON.stringify({ event: "hsm-keys-not-listed", vault: config.name, reason: error instanceof Error ? error.message : String(error) }));
      return [];
    });
    return dekKey === null ? keys : [...keys, { kty: "oct", hsmKeyId: dekKey }];
  }
}

function withPlacement(config: VaultConfig, placement: VaultPlacement | undefined | null): VaultConfig {
  return placement === undefined || placement === null ? config : { ...config, placement };
}

const beingPurged = (): VaultError => new VaultError("Conflict", "The vault is being purged; try again when the purge has finished.");
