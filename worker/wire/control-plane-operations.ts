/**
 * Audit operation names of the control plane (admin API), by method and path under /admin. Azure names
 * the equivalent management operations VaultPut, VaultDelete, … in its AuditEvent logs; the rest follow
 * the same Noun+Verb pattern. A path no route serves is "Unknown".
 */
const SEGMENT = "[^/]+";

const OPERATIONS: readonly { readonly method: string; readonly path: RegExp; readonly operation: string }[] = [
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
].map(([method, path, operation]) => ({
  method: method as string,
  path: new RegExp(`^${(path as string).replace(/\*/g, SEGMENT)}/?$`),
  operation: operation as string,
}));

/** `path` is the part after /admin. */
export function controlPlaneOperation(method: string, path: string): string {
  return OPERATIONS.find((o) => o.method === method && o.path.test(path))?.operation ?? "Unknown";
}

/** The tenant and vault a control-plane path addresses, for the audit record. */
export function controlPlaneTarget(path: string): { tenantId: string | null; vault: string | null } {
  const match = /^\/tenants\/([^/]+)(?:\/vaults\/([^/]+))?/.exec(path);
  return { tenantId: match?.[1] ?? null, vault: match?.[2]?.toLowerCase() ?? null };
}
