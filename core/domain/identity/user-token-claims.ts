import { accessTokenClaims } from "./access-token-claims.ts";
import { issuerFor } from "./issuer.ts";
import type { User } from "./user.ts";

/**
 * A person's access token: the claims of a principal's (access-token-claims.ts) as Entra shapes delegated tokens
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference): `idtyp` user, `appid`/`azp` the public
 * client the person signed in with, `upn` and `name`, and `scp` the delegated permission (Key Vault's is
 * user_impersonation).
 */
export function userAccessTokenClaims(issuerOrigin: string, tenantId: string, user: User, clientId: string, resource: string, groups: readonly string[]): Record<string, unknown> {
  return {
    ...accessTokenClaims(issuerOrigin, tenantId, user, resource, groups),
    appid: clientId,
    azp: clientId,
    idtyp: "user",
    scp: "user_impersonation",
    upn: user.userPrincipalName,
    name: user.displayName,
  };
}

/** An ID token (OIDC Core §2; Entra's "ID token claims reference"): for the client, about the person. */
export function idTokenClaims(issuerOrigin: string, tenantId: string, user: User, clientId: string, nonce: string): Record<string, unknown> {
  return {
    iss: issuerFor(issuerOrigin, tenantId),
    aud: clientId,
    sub: user.id,
    oid: user.id,
    tid: tenantId,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    ver: "2.0",
    ...(nonce === "" ? {} : { nonce }),
  };
}

/** MSAL's `client_info` (requested with client_info=1): base64url of {"uid": object id, "utid": tenant id}. */
export function clientInfo(tenantId: string, userId: string): string {
  return btoa(JSON.stringify({ uid: userId, utid: tenantId })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
