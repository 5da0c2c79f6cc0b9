/**
 * The scopes a person's token request names (Microsoft identity platform "Scopes and permissions"): one resource's
 * `/.default` (the vault or managed HSM data plane, or the admin API) and the OpenID Connect scopes `openid`, `profile`
 * and `offline_access` (OIDC Core §5.4; offline_access asks for a refresh token). MSAL always adds the three.
 */
export interface SignInScopes {
  /** The resource the access token is for, without a trailing slash; null when only OIDC scopes were asked. */
  readonly resource: string | null;
  readonly openid: boolean;
  readonly profile: boolean;
  readonly offlineAccess: boolean;
}

const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

/** Null for a scope string this token service cannot grant (an unknown scope, two resources, a non-https one). */
export function parseSignInScopes(scope: string): SignInScopes | null {
  const parts = scope.split(" ").filter((s) => s !== "");
  const resources = parts.filter((s) => !OIDC_SCOPES.has(s));
  if (resources.length > 1) return null;
  const first = resources[0];
  const resource = first === undefined ? null : resourceOf(first);
  if (first !== undefined && resource === null) return null;
  return { resource, openid: parts.includes("openid"), profile: parts.includes("profile"), offlineAccess: parts.includes("offline_access") };
}

function resourceOf(scope: string): string | null {
  if (!scope.endsWith("/.default")) return null;
  const resource = scope.slice(0, -"/.default".length).replace(/\/+$/, "");
  try {
    return new URL(resource).protocol === "https:" ? resource : null;
  } catch {
    return null;
  }
}

/** The scope string an answer carries (RFC 6749 §5.1): what was granted, in a stable order. */
export function grantedScope(scopes: SignInScopes): string {
  return [
    ...(scopes.resource === null ? [] : [`${scopes.resource}/.default`]),
    ...(scopes.openid ? ["openid"] : []),
    ...(scopes.profile ? ["profile"] : []),
    ...(scopes.offlineAccess ? ["offline_access"] : []),
  ].join(" ");
}
