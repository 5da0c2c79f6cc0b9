import type { Caller } from "../../contract/common.ts";
import { POLICY_PERMISSION_NAMES, type PolicyCollection, type PolicyPermission } from "../../contract/access-policy-permissions.ts";
import { badParameter } from "../../errors/vault-error.ts";

/**
 * The access-policy permission model (issue 17; Azure's `properties.accessPolicies` when `enableRbacAuthorization` is
 * false, learn.microsoft.com/azure/key-vault/general/assign-access-policy): each entry grants an identity — a
 * principal or a group of the vault's tenant, optionally only together with one application (a compound identity) —
 * named permissions on keys, secrets and certificates. Permission names compare without regard to case; `all` grants
 * every permission of its collection; `manageissuers` the four issuer permissions.
 */
export interface AccessPolicyEntry {
  readonly tenantId: string;
  readonly objectId: string;
  readonly applicationId?: string;
  readonly permissions: { readonly keys: readonly string[]; readonly secrets: readonly string[]; readonly certificates: readonly string[]; readonly storage: readonly string[] };
}

/** Azure allows 1024 access policy entries per vault. */
export const MAX_ACCESS_POLICIES = 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISSUER_PERMISSIONS = new Set(["getissuers", "listissuers", "setissuers", "deleteissuers"]);

function permissionList(value: unknown, collection: PolicyCollection | "storage", at: string): string[] {
  if (value === undefined || value === null) return [];
  const known = collection === "storage" ? [] : POLICY_PERMISSION_NAMES[collection].map((p) => p.toLowerCase());
  if (!Array.isArray(value) || !value.every((p): p is string => typeof p === "string" && known.includes(p.toLowerCase()))) {
    const names = collection === "storage" ? "none (this vault has no storage accounts)" : POLICY_PERMISSION_NAMES[collection].join(", ");
    throw badParameter(`${at}.permissions.${collection} must list ${collection} permissions: ${names}.`);
  }
  return [...new Set(value.map((p) => p.toLowerCase()))];
}

export function accessPoliciesInput(value: unknown, tenantId: string): AccessPolicyEntry[] {
  if (!Array.isArray(value) || value.length > MAX_ACCESS_POLICIES) throw badParameter(`accessPolicies must list at most ${MAX_ACCESS_POLICIES} entries.`);
  return value.map((raw: unknown, i) => {
    const at = `accessPolicies[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badParameter(`${at} must be an object.`);
    const entry = raw as Record<string, unknown>;
    if (entry.tenantId !== tenantId) throw badParameter(`${at}.tenantId must be the vault's tenant, ${tenantId}.`);
    if (typeof entry.objectId !== "string" || !GUID.test(entry.objectId)) throw badParameter(`${at}.objectId must be a principal's or group's id.`);
    const app = entry.applicationId;
    if (app !== undefined && app !== null && (typeof app !== "string" || !GUID.test(app))) throw badParameter(`${at}.applicationId must be an application id.`);
    const p = (typeof entry.permissions === "object" && entry.permissions !== null ? entry.permissions : {}) as Record<string, unknown>;
    return {
      tenantId,
      objectId: entry.objectId.toLowerCase(),
      ...(typeof app === "string" ? { applicationId: app.toLowerCase() } : {}),
      permissions: {
        keys: permissionList(p.keys, "keys", at),
        secrets: permissionList(p.secrets, "secrets", at),
        certificates: permissionList(p.certificates, "certificates", at),
        storage: permissionList(p.storage, "storage", at),
      },
    };
  });
}

function grants(granted: readonly string[], needed: string): boolean {
  const wanted = needed.toLowerCase();
  return granted.includes("all") || granted.includes(wanted) || (ISSUER_PERMISSIONS.has(wanted) && granted.includes("manageissuers"));
}

/** Whether an entry for the caller (itself or a group its token names; its application when the entry names one) grants. */
export function accessPoliciesGrant(entries: readonly AccessPolicyEntry[], caller: Pick<Caller, "tenantId" | "objectId" | "appId" | "groups">, needed: PolicyPermission): boolean {
  const identities = new Set([caller.objectId, ...(caller.groups ?? [])].map((id) => id.toLowerCase()));
  return entries.some(
    (e) =>
      e.tenantId === caller.tenantId &&
      identities.has(e.objectId) &&
      (e.applicationId === undefined || e.applicationId === caller.appId.toLowerCase()) &&
      grants(e.permissions[needed.collection], needed.permission),
  );
}
