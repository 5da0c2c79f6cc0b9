import { open, seal } from "./aead.ts";
import type { RootKey } from "./root-key.ts";

/** Purpose label of the key-encryption key derived from the root key. */
const KEK_PURPOSE = "kek/v1";

/**
 * Envelope encryption (DESIGN.md §6.8): each Durable Object owns a random 256-bit data key,
 * stored only wrapped by the root-derived KEK with AAD naming its owner ("dek|vault|{tenant}|{vault}").
 */
export class DataKey {
  private constructor(private readonly key: CryptoKey) {}

  /** Creates a fresh data key; returns it with its wrapped form for storage. */
  static async create(root: RootKey, owner: string): Promise<{ dataKey: DataKey; wrapped: Uint8Array<ArrayBuffer> }> {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const kek = await root.deriveAesKey(KEK_PURPOSE);
    const wrapped = await seal(kek, raw, `dek|${owner}`);
    const dataKey = new DataKey(await importAes(raw));
    raw.fill(0);
    return { dataKey, wrapped };
  }

  static async unwrap(root: RootKey, owner: string, wrapped: Uint8Array): Promise<DataKey> {
    const kek = await root.deriveAesKey(KEK_PURPOSE);
    const raw = await open(kek, wrapped, `dek|${owner}`);
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
