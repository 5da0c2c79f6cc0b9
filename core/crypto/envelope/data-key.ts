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
