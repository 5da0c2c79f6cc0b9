import { derivedKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";

/**
 * Sealing of edge-cache bodies in the Cache API (edge-cache.ts): AES-256-GCM under a key derived from ROOT_KEY
 * (HKDF, purpose `edge-cache/v1`), a fresh 96-bit IV each time, and the entry's address as additional data, so a body
 * stored under one address (tenant, vault, version) cannot be served under another. The lease is sealed with it.
 */
/** A kept answer: its body and that body's entity tag (worker/middleware/conditional-read.ts). */
export interface KeptAnswer {
  readonly body: string;
  readonly etag: string;
}

const IV_BYTES = 12;
/** The Cache API wants a URL; this host is ours by RFC 2606 (.invalid) and never resolves. */
const CACHE_ORIGIN = "https://edge-reads.invalid";

const sealKey = (rootSecret: string) => derivedKeyFromEnv(rootSecret, "edge-cache/v1", "aes");
const nameKey = (rootSecret: string) => derivedKeyFromEnv(rootSecret, "edge-cache-key/v1", "hmac");

/**
 * The Cache API key of an address: a keyed hash (HMAC-SHA-256 under HKDF purpose `edge-cache-key/v1`), so the cache's
 * keys reveal no tenant, vault, object or principal, and nobody without ROOT_KEY can compute where an entry would be.
 */
export async function cacheKeyOf(rootSecret: string, address: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await nameKey(rootSecret), new TextEncoder().encode(address)));
  return `${CACHE_ORIGIN}/${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export async function sealKeptBody(rootSecret: string, address: string, answer: KeptAnswer, leaseUntilMs: number): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plaintext = new TextEncoder().encode(JSON.stringify({ leaseUntilMs, body: answer.body, etag: answer.etag }));
  const additionalData = new TextEncoder().encode(address);
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, await sealKey(rootSecret), plaintext);
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), IV_BYTES);
  return sealed;
}

/** The answer and lease, or null if the entry is not one this deployment sealed for this address. */
export async function openKeptBody(rootSecret: string, address: string, sealed: ArrayBuffer): Promise<(KeptAnswer & { leaseUntilMs: number }) | null> {
  if (sealed.byteLength <= IV_BYTES) return null;
  const bytes = new Uint8Array(sealed);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: new TextEncoder().encode(address) },
      await sealKey(rootSecret),
      bytes.subarray(IV_BYTES),
    );
    const parsed: unknown = JSON.parse(new TextDecoder().decode(plaintext));
    if (typeof parsed !== "object" || parsed === null) return null;
    const { leaseUntilMs, body, etag } = parsed as { leaseUntilMs?: unknown; body?: unknown; etag?: unknown };
    return typeof leaseUntilMs === "number" && typeof body === "string" && typeof etag === "string" ? { body, etag, leaseUntilMs } : null;
  } catch {
    return null;
  }
}
