/**
 * The 401 challenge SDKs parse (docs/client-contract.md §2): `authorization` names the authority and the
 * vault's tenant, `resource` the audience. Parameters are separated by ", " (JS does not parse ",").
 */
export function challengeHeader(issuerOrigin: string, tenantId: string, resource: string): string {
  return `Bearer authorization="${issuerOrigin.replace(/\/+$/, "")}/${tenantId}", resource="${resource}"`;
}
