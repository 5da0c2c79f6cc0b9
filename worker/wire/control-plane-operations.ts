/**
 * Every control-plane (admin API) operation, described once: its method, its path under /admin (Hono's pattern),
 * the name its audit record carries, and who may call it. Routes are registered from this table
 * (middleware/admin-access.ts), so the access rule and the audit name cannot drift from the route they describe.
 * Azure names the equivalent management operations VaultPut, VaultDelete, … in its AuditEvent logs; the rest
 * follow the same Noun+Verb pattern. A path no route serves is "Unknown".
 */

/**
 * - `operator`: the operator key only (acts across tenants or sells capacity).
 * - `tenant`: the operator, or an admin of exactly the tenant named by the route's `:tenantId`.
 * - `anyAdmin`: the operator or any tenant admin (tenant-independent facts such as the built-in roles).
 */
export type AdminAccess = "operator" | "tenant" | "anyAdmin";

export type AdminMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface AdminOperation<P extends string = string> {
  readonly method: AdminMethod;
  readonly path: P;
  readonly access: AdminAccess;
}

const TENANT = "/tenants/:tenantId";
const VAULT = `${TENANT}/vaults/:name`;
const SUBSCRIPTION = `${VAULT}/eventSubscriptions/:id`;
const FEDERATED = `${TENANT}/principals/:principalId/federatedIdentityCredentials`;

const op = <P extends string>(method: AdminMethod, path: P, access: AdminAccess): AdminOperation<P> => ({ method, path, access });

export const ADMIN_OPERATIONS = {
  TenantCreate: op("POST", "/tenants", "operator"),
  TenantList: op("GET", "/tenants", "operator"),
  TenantGet: op("GET", TENANT, "tenant"),
  TenantDelete: op("DELETE", TENANT, "operator"),
  PrincipalCreate: op("POST", `${TENANT}/principals`, "tenant"),
  PrincipalList: op("GET", `${TENANT}/principals`, "tenant"),
  PrincipalGet: op("GET", `${TENANT}/principals/:principalId`, "tenant"),
  PrincipalDelete: op("DELETE", `${TENANT}/principals/:principalId`, "tenant"),
  PrincipalSecretAdd: op("POST", `${TENANT}/principals/:principalId/secrets`, "tenant"),
  PrincipalSecretList: op("GET", `${TENANT}/principals/:principalId/secrets`, "tenant"),
  PrincipalSecretDelete: op("DELETE", `${TENANT}/principals/:principalId/secrets/:secretId`, "tenant"),
  FederatedCredentialList: op("GET", `${FEDERATED}`, "tenant"),
  FederatedCredentialPut: op("PUT", `${FEDERATED}/:credentialName`, "tenant"),
  FederatedCredentialGet: op("GET", `${FEDERATED}/:credentialName`, "tenant"),
  FederatedCredentialDelete: op("DELETE", `${FEDERATED}/:credentialName`, "tenant"),
  PrincipalCertificateAdd: op("POST", `${TENANT}/principals/:principalId/certificates`, "tenant"),
  PrincipalCertificateList: op("GET", `${TENANT}/principals/:principalId/certificates`, "tenant"),
  PrincipalCertificateDelete: op("DELETE", `${TENANT}/principals/:principalId/certificates/:keyId`, "tenant"),
  GroupCreate: op("POST", `${TENANT}/groups`, "tenant"),
  GroupList: op("GET", `${TENANT}/groups`, "tenant"),
  GroupGet: op("GET", `${TENANT}/groups/:groupId`, "tenant"),
  GroupDelete: op("DELETE", `${TENANT}/groups/:groupId`, "tenant"),
  GroupMemberAdd: op("PUT", `${TENANT}/groups/:groupId/members/:principalId`, "tenant"),
  GroupMemberRemove: op("DELETE", `${TENANT}/groups/:groupId/members/:principalId`, "tenant"),
  TenantRoleDefinitionList: op("GET", `${TENANT}/roleDefinitions`, "tenant"),
  TenantRoleDefinitionGet: op("GET", `${TENANT}/roleDefinitions/:roleDefinitionId`, "tenant"),
  TenantRoleDefinitionPut: op("PUT", `${TENANT}/roleDefinitions/:roleDefinitionId`, "tenant"),
  TenantRoleDefinitionDelete: op("DELETE", `${TENANT}/roleDefinitions/:roleDefinitionId`, "tenant"),
  TenantThrottleLimitsGet: op("GET", `${TENANT}/throttleLimits`, "tenant"),
  TenantThrottleLimitsSet: op("PUT", `${TENANT}/throttleLimits`, "operator"),
  TenantThrottleLimitsReset: op("DELETE", `${TENANT}/throttleLimits`, "operator"),
  TenantAuditLogQuery: op("GET", `${TENANT}/auditLog`, "tenant"),
  VaultList: op("GET", `${TENANT}/vaults`, "tenant"),
  VaultPut: op("PUT", VAULT, "tenant"),
  VaultGet: op("GET", VAULT, "tenant"),
  VaultDelete: op("DELETE", VAULT, "tenant"),
  DeletedVaultList: op("GET", `${TENANT}/deletedVaults`, "tenant"),
  DeletedVaultGet: op("GET", `${TENANT}/deletedVaults/:name`, "tenant"),
  DeletedVaultPurge: op("POST", `${TENANT}/deletedVaults/:name/purge`, "tenant"),
  VaultSettingsGet: op("GET", `${VAULT}/settings`, "tenant"),
  VaultSettingsPatch: op("PATCH", `${VAULT}/settings`, "tenant"),
  VaultThrottleUsageGet: op("GET", `${VAULT}/usage`, "tenant"),
  RoleAssignmentList: op("GET", `${VAULT}/roleAssignments`, "tenant"),
  RoleAssignmentPut: op("PUT", `${VAULT}/roleAssignments/:assignmentId`, "tenant"),
  RoleAssignmentDelete: op("DELETE", `${VAULT}/roleAssignments/:assignmentId`, "tenant"),
  EventSubscriptionList: op("GET", `${VAULT}/eventSubscriptions`, "tenant"),
  EventSubscriptionPut: op("PUT", SUBSCRIPTION, "tenant"),
  EventSubscriptionGet: op("GET", SUBSCRIPTION, "tenant"),
  EventSubscriptionDelete: op("DELETE", SUBSCRIPTION, "tenant"),
  EventDeliveryList: op("GET", `${SUBSCRIPTION}/deliveries`, "tenant"),
  EventRedeliver: op("POST", `${SUBSCRIPTION}/deliveries/:deliveryId/redeliver`, "tenant"),
  // Vault policies (docs/vault-policies.md): Azure Policy's assignment shape, at a tenant (all its vaults) or a vault.
  TrustedIssuerList: op("GET", `${TENANT}/trustedIssuers`, "tenant"),
  TrustedIssuerPut: op("PUT", `${TENANT}/trustedIssuers/:issuerName`, "tenant"),
  TrustedIssuerGet: op("GET", `${TENANT}/trustedIssuers/:issuerName`, "tenant"),
  TrustedIssuerDelete: op("DELETE", `${TENANT}/trustedIssuers/:issuerName`, "tenant"),
  TenantPolicyAssignmentList: op("GET", `${TENANT}/policyAssignments`, "tenant"),
  TenantPolicyAssignmentPut: op("PUT", `${TENANT}/policyAssignments/:assignmentName`, "tenant"),
  TenantPolicyAssignmentGet: op("GET", `${TENANT}/policyAssignments/:assignmentName`, "tenant"),
  TenantPolicyAssignmentDelete: op("DELETE", `${TENANT}/policyAssignments/:assignmentName`, "tenant"),
  PolicyAssignmentList: op("GET", `${VAULT}/policyAssignments`, "tenant"),
  PolicyAssignmentPut: op("PUT", `${VAULT}/policyAssignments/:assignmentName`, "tenant"),
  PolicyAssignmentGet: op("GET", `${VAULT}/policyAssignments/:assignmentName`, "tenant"),
  PolicyAssignmentDelete: op("DELETE", `${VAULT}/policyAssignments/:assignmentName`, "tenant"),
  PolicyStatesList: op("GET", `${VAULT}/policyStates`, "tenant"),
  // Whole-vault snapshots and restores (docs/vault-snapshots.md).
  VaultSnapshotCreate: op("POST", `${VAULT}/snapshots`, "tenant"),
  VaultSnapshotList: op("GET", `${VAULT}/snapshots`, "tenant"),
  VaultSnapshotGet: op("GET", `${VAULT}/snapshots/:snapshotId`, "tenant"),
  VaultSnapshotDelete: op("DELETE", `${VAULT}/snapshots/:snapshotId`, "tenant"),
  VaultSnapshotRestore: op("POST", `${VAULT}/snapshots/:snapshotId/restore`, "tenant"),
  VaultSnapshotScheduleGet: op("GET", `${VAULT}/snapshotSchedule`, "tenant"),
  VaultSnapshotSchedulePut: op("PUT", `${VAULT}/snapshotSchedule`, "tenant"),
  VaultSnapshotScheduleDelete: op("DELETE", `${VAULT}/snapshotSchedule`, "tenant"),
  VaultPointInTimeRestore: op("POST", `${VAULT}/pointInTimeRestore`, "tenant"),
  // People of a tenant (docs/sign-in.md "Users"): principals of type user, with a password.
  UserCreate: op("POST", `${TENANT}/users`, "tenant"),
  UserList: op("GET", `${TENANT}/users`, "tenant"),
  UserGet: op("GET", `${TENANT}/users/:userId`, "tenant"),
  UserDelete: op("DELETE", `${TENANT}/users/:userId`, "tenant"),
  UserUpdate: op("PATCH", `${TENANT}/users/:userId`, "tenant"),
  UserPasswordSet: op("PUT", `${TENANT}/users/:userId/password`, "tenant"),
  UserSessionsRevoke: op("POST", `${TENANT}/users/:userId/revokeSessions`, "tenant"),
  UserTotpEnroll: op("POST", `${TENANT}/users/:userId/totp`, "tenant"),
  UserTotpRemove: op("DELETE", `${TENANT}/users/:userId/totp`, "tenant"),
  // External identity providers for people (docs/sign-in.md "External identity providers").
  SignInProviderList: op("GET", `${TENANT}/signInProviders`, "tenant"),
  SignInProviderPut: op("PUT", `${TENANT}/signInProviders/:providerName`, "tenant"),
  SignInProviderGet: op("GET", `${TENANT}/signInProviders/:providerName`, "tenant"),
  SignInProviderDelete: op("DELETE", `${TENANT}/signInProviders/:providerName`, "tenant"),
  UserExternalIdentityAdd: op("POST", `${TENANT}/users/:userId/externalIdentities`, "tenant"),
  UserExternalIdentityList: op("GET", `${TENANT}/users/:userId/externalIdentities`, "tenant"),
  UserExternalIdentityRemove: op("DELETE", `${TENANT}/users/:userId/externalIdentities/:linkId`, "tenant"),
  SignInSettingsGet: op("GET", `${TENANT}/signInSettings`, "tenant"),
  SignInSettingsSet: op("PUT", `${TENANT}/signInSettings`, "tenant"),
  RoleDefinitionList: op("GET", "/roleDefinitions", "anyAdmin"),
  LocalDefaultIdentitySet: op("PUT", "/local-default-identity", "operator"),
  ControlPlaneAuditLogQuery: op("GET", "/auditLog", "operator"),
  OperatorDeletedVaultList: op("GET", "/deletedVaults", "operator"),
  RootKeyStatusGet: op("GET", "/rootKeys", "operator"),
  RootKeyRotate: op("POST", "/rootKeys/rotate", "operator"),
  RootKeyRetire: op("POST", "/rootKeys/:version/retire", "operator"),
} as const satisfies Record<string, AdminOperation>;

export type AdminOperationName = keyof typeof ADMIN_OPERATIONS;

/** The tenant's audit query and the operator's share Azure's-style name; the table needs distinct keys. */
const AUDIT_NAME: Partial<Record<AdminOperationName, string>> = {
  TenantAuditLogQuery: "ControlPlaneAuditLogQuery",
  OperatorDeletedVaultList: "DeletedVaultList",
};

/** The name an operation's audit records carry. */
export function auditNameOf(name: AdminOperationName): string {
  return AUDIT_NAME[name] ?? name;
}

const MATCHERS = Object.entries(ADMIN_OPERATIONS).map(([name, o]) => ({
  method: o.method,
  path: new RegExp(`^${o.path.replace(/:[A-Za-z]+/g, "[^/]+")}/?$`),
  operation: auditNameOf(name as AdminOperationName),
}));

/**
 * `path` is the part after /admin, in canonical form (wire/canonical-path.ts). Used for the record written ahead
 * of routing; the route that runs names its operation itself.
 */
export function controlPlaneOperation(method: string, path: string): string {
  return MATCHERS.find((o) => o.method === method && o.path.test(path))?.operation ?? "Unknown";
}

/**
 * The tenant and vault a control-plane path addresses, for the record written ahead of routing. Taken before the
 * route has validated them, so bounded in length (tenant ids are GUIDs, vault names at most 24 characters).
 */
export function controlPlaneTarget(path: string): { tenantId: string | null; vault: string | null } {
  const match = /^\/tenants\/([^/]+)(?:\/(?:vaults|deletedVaults)\/([^/]+))?/.exec(path);
  return { tenantId: match?.[1]?.slice(0, 64) ?? null, vault: match?.[2]?.toLowerCase().slice(0, 64) ?? null };
}
