import { decodeBase64, utf8 } from "../bytes.ts";

/**
 * The root key (Worker secret ROOT_KEY, 32 random bytes in base64) never encrypts data itself:
 * purpose-specific keys are derived from it with HKDF-SHA-256 (RFC 5869), so the key that wraps
 * data keys and the keys that seal backups can never be confused.
 */
export class RootKey {
  private constructor(private readonly material: CryptoKey) {}

  static async fromSecret(secret: string | undefined): Promise<RootKey> {
    if (secret === undefined || secret === "") throw new Error("ROOT_KEY is not configured");
    const raw = decodeBase64(secret.trim());
    if (raw === null || raw.length !== 32) throw new Error("ROOT_KEY must be 32 bytes of base64");
    const material = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
    return new RootKey(material);
  }

  /** An AES-256-GCM key for one purpose, e.g. "kek/v1" or "backup/v1/{tenant}". */
  deriveAesKey(purpose: string): Promise<CryptoKey> {
    return this.derive(purpose, { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]);
  }

  /** An HMAC-SHA-256 key for one purpose, e.g. "etag/v1": tags that must not be verifiers of what they tag. */
  deriveHmacKey(purpose: string): Promise<CryptoKey> {
    return this.derive(purpose, { name: "HMAC", hash: "SHA-256", length: 256 }, ["sign"]);
  }

  private derive(purpose: string, algorithm: Parameters<SubtleCrypto["deriveKey"]>[2], usages: string[]): Promise<CryptoKey> {
    return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: utf8("edge-vault"), info: utf8(purpose) }, this.material, algorithm, false, usages);
  }
}

/** Root keys are cached per isolate: HKDF import is cheap but not free, and the secret never changes. */
const cache = new Map<string, Promise<RootKey>>();

export function rootKeyFromEnv(secret: string | undefined): Promise<RootKey> {
  const key = secret ?? "";
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = RootKey.fromSecret(secret);
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

const derivedKeys = new Map<string, Promise<CryptoKey>>();

/**
 * A key derived from the deployment's root key for `purpose`, cached per isolate like the root key itself: for
 * the Worker's keys that are derived on a request's path (ETags, edge-cache entries and their names).
 */
export function derivedKeyFromEnv(secret: string | undefined, purpose: string, kind: "aes" | "hmac"): Promise<CryptoKey> {
  const id = `${kind}\n${purpose}\n${secret ?? ""}`;
  let entry = derivedKeys.get(id);
  if (entry === undefined) {
    entry = rootKeyFromEnv(secret).then((root) => (kind === "aes" ? root.deriveAesKey(purpose) : root.deriveHmacKey(purpose)));
    entry.catch(() => derivedKeys.delete(id));
    derivedKeys.set(id, entry);
  }
  return entry;
}
