import type { VaultObjectScope } from "../domain/rbac/vault-object-scope.ts";
import type { VaultOp } from "./vault.ts";

/**
 * The scope a vault operation acts at (core/domain/rbac/vault-object-scope.ts): the object it names, for operations
 * on one secret, key or certificate (its versions, deletion, recovery, backup, policy, pending operation, published
 * key set), else the vault. Certificate issuers and contacts are named but are not certificates: the vault's.
 */
const COLLECTION_OF = { "secret.": "secrets", "key.": "keys", "keySet.": "keys", "certificate.": "certificates" } as const;
const VAULT_WIDE_CERTIFICATE_KINDS = /Issuers?$|Contacts$/;

export function vaultScopeOf(op: VaultOp): VaultObjectScope {
  if (!("name" in op) || typeof op.name !== "string" || VAULT_WIDE_CERTIFICATE_KINDS.test(op.kind)) return "/";
  const prefix = (Object.keys(COLLECTION_OF) as (keyof typeof COLLECTION_OF)[]).find((p) => op.kind.startsWith(p));
  return prefix === undefined ? "/" : `/${COLLECTION_OF[prefix]}/${op.name}`;
}
