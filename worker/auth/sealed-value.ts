import { base64UrlToBytes, bytesToBase64Url, concatBytes, utf8 } from "../../core/crypto/bytes.ts";
import { derivedKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { currentRootSecret } from "../../core/crypto/envelope/root-key-ring.ts";

/**
 * A JSON value handed to the browser sealed (AES-256-GCM under a key derived from the root key for `purpose` only,
 * with `aad` binding where it may be opened) and kept nowhere: an external sign-in's state, the local provider's
 * codes, the portal's session (portal/session-seal.ts). Sealed under the current root key version.
 */
const IV_BYTES = 12;
/** What a state or code in a query string may be; a caller whose values are larger (a chunked cookie) says its own. */
const DEFAULT_MAX_CHARS = 8192;

export async function sealValue(env: Env, purpose: string, aad: string, value: unknown): Promise<string> {
  const key = await derivedKeyFromEnv(currentRootSecret(env), purpose, "aes");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(aad) }, key, utf8(JSON.stringify(value)));
  return bytesToBase64Url(concatBytes(iv, new Uint8Array(sealed)));
}

/** The value, or null for anything this deployment did not seal for this purpose and place (tampered, truncated). */
export async function unsealValue(env: Env, purpose: string, aad: string, text: string, maxChars = DEFAULT_MAX_CHARS): Promise<unknown> {
  const bytes = text.length > maxChars ? null : base64UrlToBytes(text);
  if (bytes === null || bytes.length <= IV_BYTES) return null;
  const key = await derivedKeyFromEnv(currentRootSecret(env), purpose, "aes");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: utf8(aad) }, key, bytes.slice(IV_BYTES));
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    return null;
  }
}
