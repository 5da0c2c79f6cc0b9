/**
 * Audit operation names of the control plane (admin API), by method and path under /admin. Azure names
 * the equivalent management operations VaultPut, VaultDelete, … in its AuditEvent logs; the rest follow
 * the same Noun+Verb pattern. A path no route serves is "Unknown".
 */
const SEGMENT = "[^/]+";

/** [method, path under /admin with `*` for one segment, operation name] */
const TABLE: readonly (readonly [string, string, string])[] = [
  ["POST", "/tenants", "TenantCreate"],
  ["GET", "/tenants", "TenantList"],
  ["GET", "/tenants/*", "TenantGet"],
  ["DELETE", "/tenants/*", "TenantDelete"],
  ["POST", "/tenants/*/principals", "PrincipalCreate"],
  ["GET", "/tenants/*/principals", "PrincipalList"],
  ["GET", "/tenants/*/principals/*", "PrincipalGet"],
  ["DELETE", "/tenants/*/principals/*", "PrincipalDelete"],
  ["GET", "/tenants/*/throttleLimits", "TenantThrottleLimitsGet"],
  ["PUT", "/tenants/*/throttleLimits", "TenantThrottleLimitsSet"],
  ["DELETE", "/tenants/*/throttleLimits", "TenantThrottleLimitsReset"],
  ["GET", "/tenants/*/auditLog", "ControlPlaneAuditLogQuery"],
  ["GET", "/tenants/*/vaults", "VaultList"],
  ["PUT", "/tenants/*/vaults/*", "VaultPut"],
  ["GET", "/tenants/*/vaults/*", "VaultGet"],
  ["DELETE", "/tenants/*/vaults/*", "VaultDelete"],
  ["GET", "/tenants/*/vaults/*/settings", "VaultSettingsGet"],
  ["PATCH", "/tenants/*/vaults/*/settings", "VaultSettingsPatch"],
  ["GET", "/tenants/*/vaults/*/roleAssignments", "RoleAssignmentList"],
  ["PUT", "/tenants/*/vaults/*/roleAssignments/*", "RoleAssignmentPut"],
  ["DELETE", "/tenants/*/vaults/*/roleAssignments/*", "RoleAssignmentDelete"],
  ["GET", "/tenants/*/vaults/*/eventSubscriptions", "EventSubscriptionList"],
  ["PUT", "/tenants/*/vaults/*/eventSubscriptions/*", "EventSubscriptionPut"],
  ["GET", "/tenants/*/vaults/*/eventSubscriptions/*", "EventSubscriptionGet"],
  ["DELETE", "/tenants/*/vaults/*/eventSubscriptions/*", "EventSubscriptionDelete"],
  ["GET", "/tenants/*/vaults/*/eventSubscriptions/*/deliveries", "EventDeliveryList"],
  ["POST", "/tenants/*/vaults/*/eventSubscriptions/*/deliveries/*/redeliver", "EventRedeliver"],
  ["GET", "/roleDefinitions", "RoleDefinitionList"],
  ["PUT", "/local-default-identity", "LocalDefaultIdentitySet"],
  ["GET", "/auditLog", "ControlPlaneAuditLogQuery"],
];

const OPERATIONS = TABLE.map(([method, path, operation]) => ({
  method,
  path: new RegExp(`^${path.replace(/\*/g, SEGMENT)}/?$`),
  operation,
}));

/** `path` is the part after /admin. */
export function controlPlaneOperation(method: string, path: string): string {
  return OPERATIONS.find((o) => o.method === method && o.path.test(path))?.operation ?? "Unknown";
}

/**
 * The tenant and vault a control-plane path addresses, for the audit record. Taken before the route has
 * validated them, so bounded in length (tenant ids are GUIDs, vault names at most 24 characters).
 */
export function controlPlaneTarget(path: string): { tenantId: string | null; vault: string | null } {
  const match = /^\/tenants\/([^/]+)(?:\/vaults\/([^/]+))?/.exec(path);
  return { tenantId: match?.[1]?.slice(0, 64) ?? null, vault: match?.[2]?.toLowerCase().slice(0, 64) ?? null };
}
