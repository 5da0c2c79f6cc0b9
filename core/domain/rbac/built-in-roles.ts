/**
 * Azure's built-in Key Vault data-plane roles (learn.microsoft.com/azure/role-based-access-control/
 * built-in-roles/security). Ids and data actions are Azure's, so assignments read the same here.
 */
export interface RoleDefinition {
  readonly id: string;
  readonly name: string;
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

const role = (id: string, name: string, dataActions: string[], notDataActions: string[] = []): RoleDefinition => ({
  id,
  name,
  dataActions,
  notDataActions,
});

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  role("00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator", ["Microsoft.KeyVault/vaults/*"]),
  role("21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader", [
    "Microsoft.KeyVault/vaults/*/read",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  ]),
  role("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer", ["Microsoft.KeyVault/vaults/secrets/*"]),
  role("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", [
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  ]),
  role("14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "Key Vault Crypto Officer", [
    "Microsoft.KeyVault/vaults/keys/*",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/*",
  ]),
  role("12338af0-0e69-4776-bea7-57ae8d297424", "Key Vault Crypto User", [
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/update/action",
    "Microsoft.KeyVault/vaults/keys/backup/action",
    "Microsoft.KeyVault/vaults/keys/encrypt/action",
    "Microsoft.KeyVault/vaults/keys/decrypt/action",
    "Microsoft.KeyVault/vaults/keys/wrap/action",
    "Microsoft.KeyVault/vaults/keys/unwrap/action",
    "Microsoft.KeyVault/vaults/keys/sign/action",
    "Microsoft.KeyVault/vaults/keys/verify/action",
  ]),
  role("e147488a-f6f5-4113-8e2d-b22465e65bf6", "Key Vault Crypto Service Encryption User", [
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/wrap/action",
    "Microsoft.KeyVault/vaults/keys/unwrap/action",
  ]),
  role("08bbd89e-9f13-488c-ac41-acfcb10c90ab", "Key Vault Crypto Service Release User", [
    "Microsoft.KeyVault/vaults/keys/release/action",
  ]),
  role("a4417e6f-fecd-4de8-b567-7b0420556985", "Key Vault Certificates Officer", [
    "Microsoft.KeyVault/vaults/certificatecas/*",
    "Microsoft.KeyVault/vaults/certificates/*",
    "Microsoft.KeyVault/vaults/certificatecontacts/write",
  ]),
  role("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", "Key Vault Certificate User", [
    "Microsoft.KeyVault/vaults/certificates/read",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    "Microsoft.KeyVault/vaults/keys/read",
  ]),
  // Not an Azure role: Azure reads Key Vault logs through Azure Monitor. This project serves the audit
  // log from the vault itself; auditors need no access to objects to read it (Key Vault Reader's
  // `vaults/*/read` also covers it). The id is this project's own.
  role("39bac55f-2a97-45c6-9e3c-65722c6a1879", "Key Vault Auditor", ["Microsoft.KeyVault/vaults/auditevents/read"]),
];

export function findRole(idOrName: string): RoleDefinition | undefined {
  const wanted = idOrName.toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.id === wanted || r.name.toLowerCase() === wanted || roleDefinitionPath(r).toLowerCase() === wanted);
}

/** Azure's full role definition id, as role assignments report it. */
export function roleDefinitionPath(role: RoleDefinition): string {
  return `/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}
