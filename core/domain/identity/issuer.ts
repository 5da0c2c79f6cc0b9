/**
 * Token issuer of a tenant, shaped like Entra's v2.0 issuer (`https://login.microsoftonline.com/{tid}/v2.0`)
 * under our own authority origin. Used by the token service, OIDC discovery and verification alike.
 */
export function issuerFor(issuerOrigin: string, tenantId: string): string {
  return `${issuerOrigin.replace(/\/+$/, "")}/${tenantId}/v2.0`;
}
