import { bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { sealValue, unsealValue } from "../auth/sealed-value.ts";
import { derivedKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { currentRootSecret } from "../../core/crypto/envelope/root-key-ring.ts";

/**
 * The portal's session travels sealed in its own cookie (AES-256-GCM under a key derived from the root key for this
 * purpose only, core/crypto/envelope/root-key.ts): the person's tokens never reach the page's script, and nothing is
 * stored server-side, so the portal keeps no state of its own and no storage it could read behind the APIs' back.
 */
const PURPOSE = "portal/session/v1";
/** Bound into every seal so a value sealed for another purpose under a sibling key can never be opened here. */
const AAD = "edge-vault portal session v1";
/** The session's cookies: at most six of 3,800 characters (session.ts), with room to spare. */
const MAX_SEALED_CHARS = 32_768;

export const seal = (env: Env, value: unknown): Promise<string> => sealValue(env, PURPOSE, AAD, value);

/** The sealed value, or null for anything not sealed by this deployment (tampered, truncated, another root key). */
export const unseal = (env: Env, text: string): Promise<unknown> => unsealValue(env, PURPOSE, AAD, text, MAX_SEALED_CHARS);

const CSRF_PURPOSE = "portal/csrf/v1";

/**
 * The CSRF token of a session: an HMAC of its random id (double-submit bound to the session: the cookie carries the
 * id sealed, the form the tag). A page script cannot read the cookie, and another site cannot compute the tag.
 */
export async function csrfTokenFor(env: Env, sessionId: string): Promise<string> {
  const key = await derivedKeyFromEnv(currentRootSecret(env), CSRF_PURPOSE, "hmac");
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(sessionId))));
}
