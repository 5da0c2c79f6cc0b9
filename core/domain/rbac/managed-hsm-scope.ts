/**
 * A managed HSM's RBAC scopes (rbac.json `RoleScope`: "/" and "/keys"; Azure also assigns at "/keys/{key-name}",
 * learn.microsoft.com/azure/key-vault/managed-hsm/role-management). A scope arrives as the path before
 * `/providers/Microsoft.Authorization/…`, so "/" arrives empty; key names are Key Vault object names.
 */
export type HsmScope = "/" | "/keys" | `/keys/${string}`;

const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** The scope a request path names, or null when it is not one an HSM has. "" and "/" are the HSM itself. */
export function parseHsmScope(raw: string): HsmScope | null {
  const trimmed = raw.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  if (trimmed.toLowerCase() === "/keys") return "/keys";
  const match = /^\/keys\/([^/]+)$/i.exec(trimmed);
  return match?.[1] !== undefined && KEY_NAME.test(match[1]) ? `/keys/${match[1]}` : null;
}

/** The scope an operation on one key acts at: its key's. */
export function keyScope(name: string): HsmScope {
  return `/keys/${name}`;
}
