import { base64UrlToBytes, bytesToBase64Url, concatBytes, utf8 } from "../../core/crypto/bytes.ts";
import { derivedKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { currentRootSecret } from "../../core/crypto/envelope/root-key-ring.ts";

/**
 * The portal's session travels sealed in its own cookie (AES-256-GCM under a key derived from the root key for this
 * purpose only, core/crypto/envelope/root-key.ts): the person's tokens never reach the page's script, and nothing is
 * stored server-side, so the portal keeps no state of its own and no storage it could read behind the APIs' back.
 */
const PURPOSE = "portal/session/v1";
const IV_BYTES = 12;
/** Bound into every seal so a value sealed for another purpose under a sibling key can never be opened here. */
const AAD = utf8("edge-vault portal session v1");

export async function seal(env: Env, value: unknown): Promise<string> {
  const key = await derivedKeyFromEnv(currentRootSecret(env), PURPOSE, "aes");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: AAD }, key, utf8(JSON.stringify(value)));
  return bytesToBase64Url(concatBytes(iv, new Uint8Array(sealed)));
}

/** The sealed value, or null for anything not sealed by this deployment (tampered, truncated, another root key). */
export async function unseal(env: Env, text: string): Promise<unknown> {
  const bytes = base64UrlToBytes(text);
  if (bytes === null || bytes.length <= IV_BYTES) return null;
  const key = await derivedKeyFromEnv(currentRootSecret(env), PURPOSE, "aes");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: AAD }, key, bytes.slice(IV_BYTES));
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return null;
  }
}

const CSRF_PURPOSE = "portal/csrf/v1";

/**
 * The CSRF token of a session: an HMAC of its random id (double-submit bound to the session: the cookie carries the
 * id sealed, the form the tag). A page script cannot read the cookie, and another site cannot compute the tag.
 */
export async function csrfTokenFor(env: Env, sessionId: string): Promise<string> {
  const key = await derivedKeyFromEnv(currentRootSecret(env), CSRF_PURPOSE, "hmac");
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(sessionId))));
}
