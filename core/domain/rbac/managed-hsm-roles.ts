/**
 * Azure's built-in Managed HSM local-RBAC role definitions and the Managed HSM data actions, as the service
 * reports them on `GET {hsm}/providers/Microsoft.Authorization/roleDefinitions` (rbac.json, 7.2–7.6).
 *
 * Sources (facts checked against each other; where they disagree the service's own responses win, because
 * SDKs and tools compare against what the service returns):
 * - Docs: learn.microsoft.com/azure/key-vault/managed-hsm/built-in-roles (MicrosoftDocs/azure-security-docs,
 *   articles/key-vault/managed-hsm/built-in-roles.md, ms.date 01/25/2024): the nine role ids and descriptions.
 * - Recorded service responses (Azure SDK live tests):
 *   Azure/azure-sdk-assets python/sdk/keyvault/azure-keyvault-administration/tests/recordings/
 *     test_access_control.pyTestAccessControltest_role_definitions[7.6].json (service build 1.0.20250507) and
 *     …test_role_definitions[2025-07-01].json (build 1.0.20260320, the first to list EKM Administrator);
 *   Azure/azure-sdk-assets go/sdk/security/keyvault/azadmin/testdata/recordings/TestRoleDefinition.json
 *     (api-version 7.5, build 1.0.20240429);
 *   Azure/azure-sdk-for-net sdk/keyvault/Azure.Security.KeyVault.Administration/tests/SessionRecords/
 *     AccessControlClientLiveTests/GetRoleDefinitions.json (api-version 7.3, build 1.0.20220305).
 * - Data-action enum: Azure/azure-rest-api-specs specification/keyvault/data-plane/Microsoft.KeyVault/
 *   stable/7.6/rbac.json `definitions.DataAction` (34 values; identical in 7.5 and 2025-07-01).
 *
 * Where docs and service differ: the service names two roles "Managed HSM Backup User" / "Managed HSM Restore
 * User" (docs: "… Backup" / "… Restore"); it returns `description: ""` for every built-in role; and it grants
 * Crypto Auditor `keys/deletedKeys/read/action`, not the purge the docs' table shows in that column.
 */

/** A Managed HSM data action, e.g. "Microsoft.KeyVault/managedHsm/keys/sign/action". */
export type ManagedHsmDataAction = `Microsoft.KeyVault/managedHsm/${string}`;

/** rbac.json's `DataAction` enum, in the spec's order (7.6/rbac.json). */
export const RBAC_SPEC_DATA_ACTIONS = [
  "Microsoft.KeyVault/managedHsm/keys/read/action",
  "Microsoft.KeyVault/managedHsm/keys/write/action",
  "Microsoft.KeyVault/managedHsm/keys/deletedKeys/read/action",
  "Microsoft.KeyVault/managedHsm/keys/deletedKeys/recover/action",
  "Microsoft.KeyVault/managedHsm/keys/backup/action",
  "Microsoft.KeyVault/managedHsm/keys/restore/action",
  "Microsoft.KeyVault/managedHsm/roleAssignments/delete/action",
  "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
  "Microsoft.KeyVault/managedHsm/roleAssignments/write/action",
  "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
  "Microsoft.KeyVault/managedHsm/roleDefinitions/write/action",
  "Microsoft.KeyVault/managedHsm/roleDefinitions/delete/action",
  "Microsoft.KeyVault/managedHsm/keys/encrypt/action",
  "Microsoft.KeyVault/managedHsm/keys/decrypt/action",
  "Microsoft.KeyVault/managedHsm/keys/wrap/action",
  "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
  "Microsoft.KeyVault/managedHsm/keys/sign/action",
  "Microsoft.KeyVault/managedHsm/keys/verify/action",
  "Microsoft.KeyVault/managedHsm/keys/create",
  "Microsoft.KeyVault/managedHsm/keys/delete",
  "Microsoft.KeyVault/managedHsm/keys/export/action",
  "Microsoft.KeyVault/managedHsm/keys/release/action",
  "Microsoft.KeyVault/managedHsm/keys/import/action",
  // Purge: the spec names this value "PurgeDeletedHsmKey".
  "Microsoft.KeyVault/managedHsm/keys/deletedKeys/delete",
  "Microsoft.KeyVault/managedHsm/securitydomain/download/action",
  "Microsoft.KeyVault/managedHsm/securitydomain/download/read",
  "Microsoft.KeyVault/managedHsm/securitydomain/upload/action",
  "Microsoft.KeyVault/managedHsm/securitydomain/upload/read",
  "Microsoft.KeyVault/managedHsm/securitydomain/transferkey/read",
  "Microsoft.KeyVault/managedHsm/backup/start/action",
  "Microsoft.KeyVault/managedHsm/restore/start/action",
  "Microsoft.KeyVault/managedHsm/backup/status/action",
  "Microsoft.KeyVault/managedHsm/restore/status/action",
  "Microsoft.KeyVault/managedHsm/rng/action",
] as const satisfies readonly ManagedHsmDataAction[];

/**
 * Every Managed HSM data action: the spec's enum plus those the service's built-in roles grant although the
 * enum omits them (recorded responses above): key rotate (docs' table too) and derive (Crypto User), settings
 * read/write (Administrator, since the settings API of 7.5), and EKM connection management (EKM Administrator).
 */
export const MANAGED_HSM_DATA_ACTIONS = [
  ...RBAC_SPEC_DATA_ACTIONS,
  "Microsoft.KeyVault/managedHsm/keys/rotate/action",
  "Microsoft.KeyVault/managedHsm/keys/derive/action",
  "Microsoft.KeyVault/managedHsm/settings/read/action",
  "Microsoft.KeyVault/managedHsm/settings/write/action",
  "Microsoft.KeyVault/managedHsm/ekm/read/action",
  "Microsoft.KeyVault/managedHsm/ekm/write/action",
  "Microsoft.KeyVault/managedHsm/ekm/delete/action",
  // Not Azure's: this product serves the HSM's audit log itself (docs/managed-hsm.md); Azure sends it to Monitor.
  "Microsoft.KeyVault/managedHsm/auditevents/read/action",
] as const satisfies readonly ManagedHsmDataAction[];

type KnownDataAction = (typeof MANAGED_HSM_DATA_ACTIONS)[number];

/** One entry of a role's `permissions` (rbac.json `Permission`). */
export interface ManagedHsmPermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

/** rbac.json `RoleType`. */
export type ManagedHsmRoleType = "AKVBuiltInRole" | "CustomRole";

/** A role definition's identity and properties (rbac.json `RoleDefinition` + `RoleDefinitionProperties`). */
export interface ManagedHsmRoleDefinition {
  /** The GUID: the wire's `name`; its `id` is `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{guid}`. */
  readonly id: string;
  readonly roleName: string;
  readonly description: string;
  /** `properties.type` on the wire (the outer `type` is always "Microsoft.Authorization/roleDefinitions"). */
  readonly type: ManagedHsmRoleType;
  readonly permissions: readonly ManagedHsmPermission[];
  readonly assignableScopes: readonly string[];
}

// Every built-in role the service reports has one permission entry with no control-plane actions and no
// exclusions, `description: ""` and `assignableScopes: ["/"]`. Typing the actions as KnownDataAction makes a
// role that grants an action missing from MANAGED_HSM_DATA_ACTIONS a compile error.
const builtIn = (id: string, roleName: string, dataActions: readonly KnownDataAction[]): ManagedHsmRoleDefinition => ({
  id,
  roleName,
  description: "",
  type: "AKVBuiltInRole",
  permissions: [{ actions: [], notActions: [], dataActions, notDataActions: [] }],
  assignableScopes: ["/"],
});

/** Azure's built-in Managed HSM roles, in the order the service lists them; each role's actions in its order. */
export const MANAGED_HSM_BUILT_IN_ROLES: readonly ManagedHsmRoleDefinition[] = [
  // Manages the External Key Manager connection (EKM preview, api-version 2026-01-01-preview). Listed by the
  // service from build 1.0.20260320; absent from the 7.6-era listing and from the built-in-roles page.
  builtIn("abdd7ec4-a273-4265-bf38-e001014e2d8e", "Managed HSM EKM Administrator", [
    "Microsoft.KeyVault/managedHsm/ekm/read/action",
    "Microsoft.KeyVault/managedHsm/ekm/write/action",
    "Microsoft.KeyVault/managedHsm/ekm/delete/action",
  ]),
  // Docs: "Managed HSM Restore" — single-key or whole-HSM restore.
  builtIn("6efe6056-5259-49d2-8b3d-d3d73544b20b", "Managed HSM Restore User", [
    "Microsoft.KeyVault/managedHsm/restore/start/action",
    "Microsoft.KeyVault/managedHsm/restore/status/action",
    "Microsoft.KeyVault/managedHsm/keys/restore/action",
  ]),
  // Docs: "Managed HSM Backup" — single-key or whole-HSM backup.
  builtIn("7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8", "Managed HSM Backup User", [
    "Microsoft.KeyVault/managedHsm/backup/start/action",
    "Microsoft.KeyVault/managedHsm/backup/status/action",
    "Microsoft.KeyVault/managedHsm/keys/backup/action",
  ]),
  // Use a key for service encryption (e.g. a Disk Encryption Set's identity).
  builtIn("33413926-3206-4cdd-b39a-83574fe37a17", "Managed HSM Crypto Service Encryption User", [
    "Microsoft.KeyVault/managedHsm/keys/read/action",
    "Microsoft.KeyVault/managedHsm/keys/wrap/action",
    "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
  ]),
  // Release a key to a trusted execution environment (Secure Key Release). Its id differs from Crypto User's
  // only in the last hex digit (…625c vs …625b); both are as Azure publishes them.
  builtIn("21dbd100-6940-42c2-9190-5d6cb909625c", "Managed HSM Crypto Service Release User", [
    "Microsoft.KeyVault/managedHsm/keys/release/action",
  ]),
  // Read (but not use) key attributes, deleted keys and the RBAC configuration.
  builtIn("2c18b078-7c48-4d3a-af88-5a3a1b3f82b3", "Managed HSM Crypto Auditor", [
    "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
    "Microsoft.KeyVault/managedHsm/keys/read/action",
    "Microsoft.KeyVault/managedHsm/keys/deletedKeys/read/action",
  ]),
  // Create and delete role assignments (and custom role definitions).
  builtIn("4bd23610-cdcf-4971-bdee-bdc562cc28e4", "Managed HSM Policy Administrator", [
    "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/write/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/delete/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/write/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/delete/action",
  ]),
  // All key management except purge, recover of deleted keys and export. It may (soft-)delete a key.
  builtIn("21dbd100-6940-42c2-9190-5d6cb909625b", "Managed HSM Crypto User", [
    "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
    "Microsoft.KeyVault/managedHsm/keys/read/action",
    "Microsoft.KeyVault/managedHsm/keys/write/action",
    "Microsoft.KeyVault/managedHsm/keys/delete",
    "Microsoft.KeyVault/managedHsm/keys/create",
    "Microsoft.KeyVault/managedHsm/keys/rotate/action",
    "Microsoft.KeyVault/managedHsm/keys/import/action",
    "Microsoft.KeyVault/managedHsm/keys/release/action",
    "Microsoft.KeyVault/managedHsm/keys/backup/action",
    "Microsoft.KeyVault/managedHsm/keys/restore/action",
    "Microsoft.KeyVault/managedHsm/keys/encrypt/action",
    "Microsoft.KeyVault/managedHsm/keys/decrypt/action",
    "Microsoft.KeyVault/managedHsm/keys/wrap/action",
    "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
    "Microsoft.KeyVault/managedHsm/keys/sign/action",
    "Microsoft.KeyVault/managedHsm/keys/verify/action",
    "Microsoft.KeyVault/managedHsm/keys/derive/action",
    "Microsoft.KeyVault/managedHsm/rng/action",
  ]),
  // Role management, purge or recover deleted keys, export keys; no other key management.
  builtIn("515eb02d-2335-4d2d-92f2-b1cbdf9c3778", "Managed HSM Crypto Officer", [
    "Microsoft.KeyVault/managedHsm/roleAssignments/delete/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/write/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/write/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/delete/action",
    "Microsoft.KeyVault/managedHsm/keys/deletedKeys/read/action",
    "Microsoft.KeyVault/managedHsm/keys/deletedKeys/delete",
    "Microsoft.KeyVault/managedHsm/keys/deletedKeys/recover/action",
    "Microsoft.KeyVault/managedHsm/keys/export/action",
  ]),
  // Security domain, full backup/restore, role management and settings; no key management at all.
  builtIn("a290e904-7015-4bba-90c8-60543313cdb4", "Managed HSM Administrator", [
    "Microsoft.KeyVault/managedHsm/roleAssignments/delete/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
    "Microsoft.KeyVault/managedHsm/roleAssignments/write/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/write/action",
    "Microsoft.KeyVault/managedHsm/roleDefinitions/delete/action",
    "Microsoft.KeyVault/managedHsm/securitydomain/download/action",
    "Microsoft.KeyVault/managedHsm/securitydomain/download/read",
    "Microsoft.KeyVault/managedHsm/securitydomain/upload/action",
    "Microsoft.KeyVault/managedHsm/securitydomain/upload/read",
    "Microsoft.KeyVault/managedHsm/securitydomain/transferkey/read",
    "Microsoft.KeyVault/managedHsm/backup/start/action",
    "Microsoft.KeyVault/managedHsm/restore/start/action",
    "Microsoft.KeyVault/managedHsm/backup/status/action",
    "Microsoft.KeyVault/managedHsm/restore/status/action",
    "Microsoft.KeyVault/managedHsm/settings/read/action",
    "Microsoft.KeyVault/managedHsm/settings/write/action",
  ]),
  // Not an Azure role, as "Key Vault Auditor" is not (built-in-roles.ts): reads the HSM's audit log, nothing else.
  // The id is this project's own.
  builtIn("51013eda-ffbe-4d29-be0f-5d7ec88f84a3", "Managed HSM Audit Reader", ["Microsoft.KeyVault/managedHsm/auditevents/read/action"]),
];

/**
 * A built-in role by its GUID or its full id (`…/roleDefinitions/{guid}`, as role assignments carry it);
 * GUIDs compare without regard to case.
 */
export function findManagedHsmBuiltInRole(idOrGuid: string): ManagedHsmRoleDefinition | undefined {
  const guid = (idOrGuid.split("/").pop() ?? "").toLowerCase();
  return MANAGED_HSM_BUILT_IN_ROLES.find((r) => r.id === guid);
}
