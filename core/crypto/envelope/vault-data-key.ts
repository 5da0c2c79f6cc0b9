import { VaultError } from "../../errors/vault-error.ts";
import { holdsHsmKeys, type VaultConfig } from "../../domain/vault/vault-config.ts";
import { vaultDataKeyOwner } from "./aad.ts";
import { DataKey, type DataKeyLayer } from "./data-key.ts";
import type { HsmBridge } from "../../hsm/hsm-bridge.ts";
import { hsmDataKeyLayer } from "../../hsm/hsm-data-key-layer.ts";
import type { RootKey } from "./root-key.ts";

/** What the vault row stores of its data key. */
export interface StoredDataKey {
  readonly wrapped: Uint8Array;
  /** The HSM key wrapping it inside the root key's seal, for vaults with dataKeyProtection "hsm". */
  readonly hsmKeyId: string | null;
}

/**
 * One vault's data key (docs/decisions.md §5): made at creation, opened once per object lifetime and kept in memory.
 * For an HSM-protected vault the bridge makes an AES-256 token key at creation and must be reachable to open it.
 */
export class VaultDataKey {
  private stored: StoredDataKey | null = null;
  private opened: Promise<DataKey> | null = null;

  constructor(
    private readonly rootKey: () => Promise<RootKey>,
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
      const { dataKey, wrapped } = await DataKey.create(await this.rootKey(), vaultDataKeyOwner(config));
      return { stored: { wrapped, hsmKeyId: null }, dataKey, undo: async () => {} };
    }
    const bridge = this.requireHsm(config);
    const tokenKey = await bridge.call((c) => c.generateKey({ kty: "oct", size: 256 }), undefined, true);
    const undo = async () => {
      await bridge.call((c) => c.deleteKey(tokenKey.id)).catch(() => undefined);
    };
    try {
      const { dataKey, wrapped } = await DataKey.create(await this.rootKey(), vaultDataKeyOwner(config), hsmDataKeyLayer(bridge, tokenKey.id));
      return { stored: { wrapped, hsmKeyId: tokenKey.id }, dataKey, undo };
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

  open(config: VaultConfig): Promise<DataKey> {
    if (this.opened === null) {
      const stored = this.stored;
      if (stored === null) return Promise.reject(new Error("vault has no data key"));
      this.opened = this.rootKey().then((root) => DataKey.unwrap(root, vaultDataKeyOwner(config), stored.wrapped, this.layerOf(config, stored)));
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
