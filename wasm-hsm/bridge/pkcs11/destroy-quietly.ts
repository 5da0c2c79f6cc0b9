import type { Handle, PKCS11 } from "./binding.ts";

/**
 * Destroys a session object (a transient key, a probe) when an operation is done with it, whatever happened: a failure
 * here is not reported — the operation's own answer or failure is what matters, and a session object ends with its
 * session anyway (PKCS#11 v2.40 §4.4).
 */
export function destroyQuietly(module: PKCS11, session: Handle, object: Handle): void {
  try {
    module.C_DestroyObject(session, object);
  } catch {
    // See above: nothing to add to the answer.
  }
}
