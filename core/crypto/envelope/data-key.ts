import { dataKeyAad } from "./aad.ts";
import { open, seal } from "./aead.ts";
import type { RootKey } from "./root-key.ts";

/** Purpose label of the key-encryption key derived from the root key. */
const KEK_PURPOSE = "kek/v1";

/**
 * A second wrapping layer inside the root key's: an AES key in the HSM (premium vaults that ask for it), so that
 * the root key and the stored rows together no longer open a vault's data.
 */
export interface DataKeyLayer {
  wrap(raw: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  unwrap(wrapped: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
}

/** What wraps a data key: a root key version's KEK, and the HSM layer inside it if any. */
export interface DataKeyWrapping {
  readonly root: RootKey;
  readonly layer?: DataKeyLayer | undefined;
}

/**
 * Envelope encryption (docs/decisions.md §5): each Durable Object owns a random 256-bit data key,
 * stored only wrapped by the root-derived KEK with AAD naming its owner and layering (aad.ts dataKeyAad),
 * and for HSM-protected vaults wrapped by the HSM's key inside that.
 */
export class DataKey {
  private constructor(private readonly key: CryptoKey) {}

  /** Creates a fresh data key; returns it with its wrapped form for storage. */
  static async create(root: RootKey, owner: string, layer?: DataKeyLayer): Promise<{ dataKey: DataKey; wrapped: Uint8Array<ArrayBuffer> }> {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const kek = await root.deriveAesKey(KEK_PURPOSE);
    const inner = layer === undefined ? raw : await layer.wrap(raw);
    const wrapped = await seal(kek, inner, dataKeyAad(owner, layer !== undefined));
    const dataKey = new DataKey(await importAes(raw));
    raw.fill(0);
    return { dataKey, wrapped };
  }

  static async unwrap(root: RootKey, owner: string, wrapped: Uint8Array, layer?: DataKeyLayer): Promise<DataKey> {
    const kek = await root.deriveAesKey(KEK_PURPOSE);
    const inner = await open(kek, wrapped, dataKeyAad(owner, layer !== undefined));
    const raw = layer === undefined ? inner : await layer.unwrap(inner);
    const dataKey = new DataKey(await importAes(raw));
    raw.fill(0);
    return dataKey;
  }

  /**
   * The same data key under another wrapping (root-key rotation, docs/root-key-rotation.md): opened with `from`,
   * sealed again with `to`, never imported, so nothing sealed under it changes. An HSM layer may be added, swapped
   * (a new token key) or kept; the AAD follows the layering, as at creation.
   */
  static async rewrap(owner: string, wrapped: Uint8Array, from: DataKeyWrapping, to: DataKeyWrapping): Promise<Uint8Array<ArrayBuffer>> {
    const inner = await open(await from.root.deriveAesKey(KEK_PURPOSE), wrapped, dataKeyAad(owner, from.layer !== undefined));
    const raw = from.layer === undefined ? inner : await from.layer.unwrap(inner);
    try {
      const rewrapped = to.layer === undefined ? raw : await to.layer.wrap(raw);
      return await seal(await to.root.deriveAesKey(KEK_PURPOSE), rewrapped, dataKeyAad(owner, to.layer !== undefined));
    } finally {
      raw.fill(0);
    }
  }

  seal(plaintext: Uint8Array<ArrayBuffer>, aad: string): Promise<Uint8Array<ArrayBuffer>> {
    return seal(this.key, plaintext, aad);
  }

  open(sealed: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
    return open(this.key, sealed, aad);
  }
}

function importAes(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}
