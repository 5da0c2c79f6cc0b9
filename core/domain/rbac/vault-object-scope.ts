/**
 * A vault's RBAC scopes (issue 17; learn.microsoft.com/azure/key-vault/general/rbac-guide "Best practices for
 * individual keys, secrets, and certificates role assignments"): the vault ("/") or one object of it,
 * `/secrets/{name}`, `/keys/{name}` or `/certificates/{name}`. An assignment at an object grants on that object only;
 * operations on the vault as a whole (lists, restores of backup blobs, issuers, contacts, random bytes, the audit log)
 * need an assignment at the vault, so a caller holding only object-scoped roles is refused a list, as on Azure.
 */
export type VaultObjectScope = "/" | `/${"secrets" | "keys" | "certificates"}/${string}`;

const OBJECT_SCOPE = /^\/(secrets|keys|certificates)\/([0-9a-zA-Z-]{1,127})\/?$/i;

/** The scope a request names, or null when a vault has no such scope. "" and "/" are the vault. */
export function parseVaultObjectScope(raw: string): VaultObjectScope | null {
  if (raw === "" || raw === "/") return "/";
  const match = OBJECT_SCOPE.exec(raw);
  if (match === null) return null;
  return `/${(match[1] ?? "").toLowerCase() as "secrets" | "keys" | "certificates"}/${match[2] ?? ""}`;
}
