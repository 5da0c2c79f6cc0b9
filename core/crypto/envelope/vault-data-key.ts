import { VaultError } from "../../errors/vault-error.ts";
import { holdsHsmKeys, type VaultConfig } from "../../domain/vault/vault-config.ts";
import { vaultDataKeyOwner } from "./aad.ts";
import { DataKey, type DataKeyLayer } from "./data-key.ts";
import type { HsmBridge } from "../../hsm/hsm-bridge.ts";
import { hsmDataKeyLayer } from "../../hsm/hsm-data-key-layer.ts";
import type { RootKeyRing } from "./root-key-ring.ts";

/** What the vault row stores of its data key. */
export interface StoredDataKey {
  readonly wrapped: Uint8Array;
  /** The HSM key wrapping it inside the root key's seal, for vaults with dataKeyProtection "hsm". */
  readonly hsmKeyId: string | null;
  /** The root key version whose KEK seals it (vault migration 0021; 1 for every key made before rotation existed). */
  readonly rootVersion: number;
}

/** A re-wrapped data key ready to store; `retiredHsmKeyId` is the token key to destroy once it is stored. */
export interface RewrappedDataKey {
  readonly stored: StoredDataKey;
  readonly retiredHsmKeyId: string | null;
  /** Destroys the new token key should the re-wrap not be stored after all. */
  readonly undo: () => Promise<void>;
}

/**
 * One vault's data key (docs/decisions.md §5): made at creation, opened once per object lifetime and kept in memory.
 * For an HSM-protected vault the bridge makes an AES-256 token key at creation and must be reachable to open it.
 */
export class VaultDataKey {
  private stored: StoredDataKey | null = null;
  private opened: Promise<DataKey> | null = null;

  constructor(
    private readonly ring: () => RootKeyRing,
    private readonly hsm: HsmBridge | null,
  ) {}

  /** The stored form changed (load, create, destroy): forget the opened key. */
  use(stored: StoredDataKey | null): void {
    this.stored = stored;
    this.opened = null;
  }

  get hsmKeyId(): string | null {
    return this.stored?.hsmKeyId ?? null;
  }

  /**
   * Makes the data key of a new vault and returns what to store. With HSM protection the token key is made first;
   * `undo` destroys it should the vault not be stored after all.
   */
  async create(config: VaultConfig): Promise<{ stored: StoredDataKey; dataKey: DataKey; undo: () => Promise<void> }> {
    if (config.dataKeyProtection !== "hsm") {
      const { version, root } = await this.ring().currentKey();
      const { dataKey, wrapped } = await DataKey.create(root, vaultDataKeyOwner(config));
      return { stored: { wrapped, hsmKeyId: null, rootVersion: version }, dataKey, undo: async () => {} };
    }
    const bridge = this.requireHsm(config);
    const tokenKey = await newTokenKey(bridge);
    const undo = () => dropTokenKey(bridge, tokenKey);
    try {
      const { version, root } = await this.ring().currentKey();
      const { dataKey, wrapped } = await DataKey.create(root, vaultDataKeyOwner(config), hsmDataKeyLayer(bridge, tokenKey));
      return { stored: { wrapped, hsmKeyId: tokenKey, rootVersion: version }, dataKey, undo };
    } catch (error) {
      await undo();
      throw error;
    }
  }

  /** A key made by create() and stored: it is the open one. */
  adopt(stored: StoredDataKey, dataKey: DataKey): void {
    this.stored = stored;
    this.opened = Promise.resolve(dataKey);
  }

  /** The stored wrapping (null: no vault), for the rotation sweep's progress. */
  get current(): StoredDataKey | null {
    return this.stored;
  }

  /**
   * The data key re-wrapped under the current root key version and, with `newHsmKey`, under a new HSM token key
   * (docs/root-key-rotation.md). Nothing is stored here: the caller stores it and then calls {@link rewrapped}.
   */
  async rewrap(config: VaultConfig, newHsmKey: boolean): Promise<RewrappedDataKey> {
    const stored = this.stored;
    if (stored === null) throw new Error("vault has no data key");
    const ring = this.ring();
    const from = { root: await ring.key(stored.rootVersion), layer: this.layerOf(config, stored) };
    const bridge = stored.hsmKeyId !== null && newHsmKey ? this.requireHsm(config) : null;
    const tokenKey = bridge === null ? stored.hsmKeyId : await newTokenKey(bridge);
    const undo = bridge === null || tokenKey === null ? async () => {} : () => dropTokenKey(bridge, tokenKey);
    try {
      const { version, root } = await ring.currentKey();
      const layer = tokenKey === null ? undefined : hsmDataKeyLayer(this.requireHsm(config), tokenKey);
      const wrapped = await DataKey.rewrap(vaultDataKeyOwner(config), stored.wrapped, from, { root, layer });
      return { stored: { wrapped, hsmKeyId: tokenKey, rootVersion: version }, retiredHsmKeyId: bridge === null ? null : stored.hsmKeyId, undo };
    } catch (error) {
      await undo();
      throw error;
    }
  }

  /** A re-wrap was stored: the same data key under a new wrapping, so the opened key stays open. */
  rewrapped(stored: StoredDataKey): void {
    this.stored = stored;
  }

  /** The token key a stored re-wrap replaced: destroyed, best effort (a leftover is logged by the bridge, not used). */
  discardTokenKey(config: VaultConfig, hsmKeyId: string): Promise<void> {
    return dropTokenKey(this.requireHsm(config), hsmKeyId);
  }

  open(config: VaultConfig): Promise<DataKey> {
    if (this.opened === null) {
      const stored = this.stored;
      if (stored === null) return Promise.reject(new Error("vault has no data key"));
      this.opened = this.ring()
        .key(stored.rootVersion)
        .then((root) => DataKey.unwrap(root, vaultDataKeyOwner(config), stored.wrapped, this.layerOf(config, stored)));
      this.opened.catch(() => (this.opened = null));
    }
    return this.opened;
  }

  private layerOf(config: VaultConfig, stored: StoredDataKey): DataKeyLayer | undefined {
    return stored.hsmKeyId === null ? undefined : hsmDataKeyLayer(this.requireHsm(config), stored.hsmKeyId);
  }

  private requireHsm(config: VaultConfig): HsmBridge {
    if (!holdsHsmKeys(config.sku)) throw new VaultError("BadParameter", "Only premium vaults and managed HSMs can protect their data key with the HSM.");
    if (this.hsm === null) {
      throw new VaultError("BadParameter", "HSM data key protection needs the PKCS#11 bridge, which is not configured.");
    }
    return this.hsm;
  }
}

/** A new AES-256 token key for the data key's HSM layer; its CKA_ID is what the vault row keeps. */
async function newTokenKey(bridge: HsmBridge): Promise<string> {
  return (await bridge.call((c) => c.generateKey({ kty: "oct", size: 256 }), undefined, true)).id;
}

/** Best effort, like every token clean-up (durable-objects/operations/hsm-keys.ts). */
async function dropTokenKey(bridge: HsmBridge, hsmKeyId: string): Promise<void> {
  await bridge.call((c) => c.deleteKey(hsmKeyId)).catch(() => undefined);
}
