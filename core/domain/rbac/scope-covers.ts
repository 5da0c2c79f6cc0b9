/** Scope path segments, lower-cased: "/" → [], "/keys/" → ["keys"], "/keys/K1" → ["keys", "k1"]. */
function segments(scope: string): string[] {
  return scope
    .toLowerCase()
    .split("/")
    .filter((s) => s.length > 0);
}

/**
 * Whether a role assignment's scope covers the scope an operation acts at, for a managed HSM ("/", "/keys",
 * "/keys/{name}") and a vault ("/", "/secrets/{name}", "/keys/{name}", "/certificates/{name}") alike: a path prefix
 * by whole segments, ignoring case (Key Vault names compare without regard to case). "/keys/a" never covers
 * "/keys/ab", and "/keys" does not reach HSM-wide operations at "/".
 */
export function scopeCovers(assignmentScope: string, targetScope: string): boolean {
  const granted = segments(assignmentScope);
  const target = segments(targetScope);
  return granted.length <= target.length && granted.every((s, i) => s === target[i]);
}
