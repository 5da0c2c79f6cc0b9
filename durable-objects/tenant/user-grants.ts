import { bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { hashCredential } from "../../core/crypto/credential-hash.ts";
import { verifierMatches } from "../../core/crypto/pkce.ts";
import { granted, refused, type GrantOutcome, type TokenAnswer } from "../../core/domain/identity/oauth-grant.ts";
import { grantedScope, parseSignInScopes, type SignInScopes } from "../../core/domain/identity/sign-in-scopes.ts";
import type { User } from "../../core/domain/identity/user.ts";
import { clientInfo, idTokenClaims, userAccessTokenClaims } from "../../core/domain/identity/user-token-claims.ts";
import type { AuthorizationCodeGrant, SignInGrantRepository } from "../storage/sign-in-grant-repository.ts";
import type { UserRepository } from "../storage/user-repository.ts";

/** RFC 6749 §4.1.2 recommends at most ten minutes; a browser redirect and one POST need far less. */
export const CODE_LIFETIME_SECONDS = 60;
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
/** A refresh token unused this long expires; each use rotates it and starts the time again (docs/sign-in.md). */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 14 * 24 * 3600;

export interface GrantContext {
  readonly users: UserRepository;
  readonly grants: SignInGrantRepository;
  readonly groupsOf: (principalId: string) => readonly string[];
  readonly sign: (claims: Record<string, unknown>, lifetimeSeconds: number) => Promise<string>;
  readonly issuerOrigin: string;
  readonly tenantId: string;
  readonly now: number;
  readonly transaction: (write: () => void) => void;
}

export type CodeRequest = Omit<AuthorizationCodeGrant, "principalId" | "expires">;

/** A fresh one-use code for the person who just signed in; only its hash is kept. */
export async function issueCode(ctx: GrantContext, user: User, request: CodeRequest): Promise<string> {
  const code = randomToken();
  const hash = await hashCredential(code);
  ctx.transaction(() => {
    ctx.grants.prune(ctx.now);
    ctx.grants.insertCode(hash, { ...request, principalId: user.id, expires: ctx.now + CODE_LIFETIME_SECONDS });
  });
  return code;
}

export interface CodeRedemption {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeVerifier: string | null;
  /** The scope of the redemption, which Entra's v2.0 token endpoint takes over the authorization request's. */
  readonly scope: string | null;
}

/** grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6): every binding of the code must hold. */
export async function redeemCode(ctx: GrantContext, request: CodeRedemption): Promise<GrantOutcome<TokenAnswer>> {
  const hash = await hashCredential(request.code);
  const code = ctx.grants.code(hash);
  if (code === null) return refused("invalid_grant", 70000, "The provided authorization code is invalid.");
  if (code.redeemed) {
    // A replayed code may be a stolen one: what it was exchanged for is revoked too (RFC 6749 §4.1.2).
    if (code.redeemedFamily !== null) ctx.grants.revokeFamily(code.redeemedFamily);
    return refused("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
  }
  // Spent by any attempt from here on, so a verifier cannot be guessed against one code.
  ctx.grants.markCodeRedeemed(hash, null);
  if (code.expires <= ctx.now) return refused("invalid_grant", 70008, "The provided authorization code or refresh token has expired.");
  if (code.clientId !== request.clientId) return refused("invalid_grant", 70000, "The code was issued to another client.");
  if (code.redirectUri !== request.redirectUri) return refused("invalid_grant", 500117, "The reply uri specified in the request does not match the reply uri used in the authorization request.");
  if (code.codeChallenge !== "" && (request.codeVerifier === null || !(await verifierMatches(request.codeVerifier, code.codeChallenge)))) {
    return refused("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
  }
  const user = activeUser(ctx, code.principalId);
  const scopes = parseSignInScopes(request.scope ?? code.scope);
  if (user === null) return refused("invalid_grant", 50173, "The provided grant has been revoked.");
  if (scopes === null) return refused("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
  if (scopes.resource !== null && !mayAccess(ctx, user, scopes.resource)) return refused("invalid_scope", 65001, "The user may not use the admin API.");
  const familyId = crypto.randomUUID();
  const answer = await tokens(ctx, user, request.clientId, scopes, code.nonce, familyId);
  if (answer.refreshToken !== null) ctx.grants.markCodeRedeemed(hash, familyId);
  return granted(answer);
}

/**
 * grant_type=refresh_token with rotation (RFC 9700 §4.14.2): the token presented is spent and the answer carries the
 * next one of its family; a spent one presented again revokes the whole family, since either its holder or a thief is
 * now using the newer one. The scope may name another resource (Entra's refresh tokens are multi-resource).
 */
export async function refresh(ctx: GrantContext, token: string, clientId: string, scope: string | null): Promise<GrantOutcome<TokenAnswer>> {
  const hash = await hashCredential(token);
  const row = ctx.grants.refreshToken(hash);
  if (row === null) return refused("invalid_grant", 9002313, "Invalid request. The refresh token is malformed, revoked or unknown.");
  if (row.rotated) {
    ctx.grants.revokeFamily(row.familyId);
    return refused("invalid_grant", 50173, "The provided grant has been revoked: the refresh token was already used.");
  }
  if (row.expires <= ctx.now) return refused("invalid_grant", 700082, "The refresh token has expired due to inactivity.");
  if (row.clientId !== clientId) return refused("invalid_grant", 70000, "The refresh token was issued to another client.");
  const user = activeUser(ctx, row.principalId);
  if (user === null) {
    ctx.grants.revokeFamily(row.familyId);
    return refused("invalid_grant", 50173, "The provided grant has been revoked.");
  }
  const asked = parseSignInScopes(scope ?? row.scope);
  if (asked === null) return refused("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
  // offline_access was granted with the family; a refresh always continues it.
  const scopes: SignInScopes = { ...asked, offlineAccess: true };
  if (scopes.resource !== null && !mayAccess(ctx, user, scopes.resource)) return refused("invalid_scope", 65001, "The user may not use the admin API.");
  ctx.grants.markRotated(hash);
  return granted(await tokens(ctx, user, clientId, scopes, "", row.familyId));
}

/** The answer for a person and a grant: an access token, an ID token with openid, a refresh token with offline_access. */
export async function tokens(ctx: GrantContext, user: User, clientId: string, scopes: SignInScopes, nonce: string, familyId: string): Promise<TokenAnswer> {
  const resource = scopes.resource ?? `${ctx.issuerOrigin.replace(/\/+$/, "")}/userinfo`;
  const accessToken = await ctx.sign(userAccessTokenClaims(ctx.issuerOrigin, ctx.tenantId, user, clientId, resource, ctx.groupsOf(user.id)), ACCESS_TOKEN_LIFETIME_SECONDS);
  const idToken = scopes.openid ? await ctx.sign(idTokenClaims(ctx.issuerOrigin, ctx.tenantId, user, clientId, nonce), ACCESS_TOKEN_LIFETIME_SECONDS) : null;
  let refreshToken: string | null = null;
  if (scopes.offlineAccess) {
    refreshToken = randomToken();
    const row = { familyId, principalId: user.id, clientId, scope: grantedScope(scopes), expires: ctx.now + REFRESH_TOKEN_LIFETIME_SECONDS };
    ctx.grants.insertRefreshToken(await hashCredential(refreshToken), row, ctx.now);
  }
  return { accessToken, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS, scope: grantedScope(scopes), refreshToken, idToken, clientInfo: clientInfo(ctx.tenantId, user.id) };
}

/** Only a tenant admin may hold a token for the admin API; any user may hold one for the vaults (roles decide there). */
export function mayAccess(ctx: GrantContext, user: User, resource: string): boolean {
  return resource !== `${ctx.issuerOrigin.replace(/\/+$/, "")}/admin` || user.tenantAdmin;
}

function activeUser(ctx: GrantContext, principalId: string): User | null {
  const record = ctx.users.byId(principalId);
  return record !== null && record.user.enabled ? record.user : null;
}

const randomToken = (): string => bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
