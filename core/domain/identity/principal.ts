/**
 * Identities a tenant owns. An application's credentials are random secrets of which only a SHA-256 hash is stored; a
 * user (a person, docs/sign-in.md) signs in with a password instead.
 */
export type PrincipalType = "servicePrincipal" | "managedIdentity" | "user";

export interface Principal {
  readonly id: string;
  readonly appId: string;
  readonly type: PrincipalType;
  readonly displayName: string;
  /** May use the control-plane API for its own tenant. */
  readonly tenantAdmin: boolean;
  /** Unix seconds. */
  readonly created: number;
}

export interface TenantInfo {
  readonly id: string;
  readonly displayName: string;
  readonly created: number;
}

/** A new principal with its credential, shown once: a client secret or an App Service identity header. */
export interface CreatedPrincipal {
  readonly principal: Principal;
  readonly credential: string;
}

/** An issued access token (OAuth2 client credentials / managed identity). */
export interface IssuedToken {
  readonly accessToken: string;
  /** Unix seconds. */
  readonly expiresOn: number;
  readonly expiresIn: number;
  readonly resource: string;
  readonly clientId: string;
}
