import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";

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

const sealKeys = new Map<string, Promise<CryptoKey>>();
const IV_BYTES = 12;

function sealKey(rootSecret: string): Promise<CryptoKey> {
  let key = sealKeys.get(rootSecret);
  if (key === undefined) {
    key = rootKeyFromEnv(rootSecret).then((root) => root.deriveAesKey("edge-cache/v1"));
    key.catch(() => sealKeys.delete(rootSecret));
    sealKeys.set(rootSecret, key);
  }
  return key;
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
