import { issuerFor } from "./issuer.ts";
import type { Principal } from "./principal.ts";

/**
 * The claims of an access token the tenant's token service issues, shaped as Entra's v2.0 app tokens
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference): `oid`/`sub` the principal, `appid`/`azp`
 * its application, `tid` the tenant, `groups` its group ids (absent when none), `roles` TenantAdmin for a tenant's
 * administrators, and a managed identity's resource id in `xms_mirid` as Entra marks managed-identity tokens.
 */
export function accessTokenClaims(issuerOrigin: string, tenantId: string, principal: Principal, resource: string, groups: readonly string[]): Record<string, unknown> {
  return {
    iss: issuerFor(issuerOrigin, tenantId),
    aud: resource,
    sub: principal.id,
    oid: principal.id,
    tid: tenantId,
    appid: principal.appId,
    azp: principal.appId,
    idtyp: "app",
    ver: "2.0",
    ...(principal.tenantAdmin ? { roles: ["TenantAdmin"] } : {}),
    ...(groups.length === 0 ? {} : { groups: [...groups] }),
    ...(principal.type === "managedIdentity"
      ? { xms_mirid: `/tenants/${tenantId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${principal.id}` }
      : {}),
  };
}
