import { currentRootKey } from "../../core/crypto/envelope/root-key-ring.ts";
import { verifierMatches } from "../../core/crypto/pkce.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { localIssuerKey } from "../../core/crypto/release/local-authority-key.ts";
import { LOCAL_OIDC_PURPOSE } from "./client-assertion.ts";
import { sealValue, unsealValue } from "./sealed-value.ts";
import { localOidcIssuer } from "../wire/federation-trust.ts";

/**
 * The local OIDC issuer as a sign-in provider for people (development only; docs/sign-in.md "External identity
 * providers"): its authorization endpoint (routes/local-oidc-sign-in.ts) signs in whoever the developer types, and its
 * token endpoint redeems the code for an ID token signed by the local issuer's key. Codes are sealed, not stored
 * (60 s; not remembered, so a code could be redeemed twice within its minute — acceptable for a dev stand-in that
 * vouches for anyone anyway). Any client id is accepted and any non-empty client secret: there is no registration.
 * The Worker calls the token endpoint in-process for the local issuer (external-provider.ts), since workerd does not
 * trust the dev server's local CA.
 */
const CODE_PURPOSE = "local-oidc/code/v1";
const CODE_AAD = "local-oidc-code/v1";
const CODE_LIFETIME_S = 60;
const ID_TOKEN_LIFETIME_S = 600;

export interface LocalIdentity {
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
}

interface LocalCode extends LocalIdentity {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly nonce: string | null;
  readonly codeChallenge: string | null;
  readonly expires: number;
}

export type LocalAuthorization = Omit<LocalCode, keyof LocalIdentity | "expires">;

export async function issueLocalCode(env: Env, request: LocalAuthorization, identity: LocalIdentity, nowSeconds: number): Promise<string> {
  const code: LocalCode = { ...request, ...identity, expires: nowSeconds + CODE_LIFETIME_S };
  return sealValue(env, CODE_PURPOSE, CODE_AAD, code);
}

export interface LocalTokenAnswer {
  readonly status: 200 | 400 | 401;
  readonly body: Record<string, unknown>;
}

const tokenError = (status: 400 | 401, error: string, description: string): LocalTokenAnswer => ({ status, body: { error, error_description: description } });

/** The client id and secret of a token request, from the form (client_secret_post) or Basic (RFC 6749 §2.3.1). */
function clientOf(form: URLSearchParams, authorization: string | null): { id: string; secret: string } | null {
  if (authorization?.startsWith("Basic ") === true) {
    const decoded = atob(authorization.slice(6).trim());
    const colon = decoded.indexOf(":");
    return colon < 0 ? null : { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  return id === null || secret === null ? null : { id, secret };
}

/** grant_type=authorization_code at the local provider (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3.3). */
export async function localTokenAnswer(env: Env, form: URLSearchParams, authorization: string | null, nowSeconds: number): Promise<LocalTokenAnswer> {
  if (form.get("grant_type") !== "authorization_code") return tokenError(400, "unsupported_grant_type", "Only authorization_code is supported.");
  let client: { id: string; secret: string } | null;
  try {
    client = clientOf(form, authorization);
  } catch {
    client = null;
  }
  if (client === null || client.secret === "") return tokenError(401, "invalid_client", "A client secret is required.");
  const code = (await unsealValue(env, CODE_PURPOSE, CODE_AAD, form.get("code") ?? "")) as LocalCode | null;
  if (code === null || code.expires <= nowSeconds || code.clientId !== client.id || code.redirectUri !== form.get("redirect_uri")) {
    return tokenError(400, "invalid_grant", "The code is invalid, expired, or not this client's or redirect URI's.");
  }
  const verifier = form.get("code_verifier");
  if (code.codeChallenge !== null && (verifier === null || !(await verifierMatches(verifier, code.codeChallenge)))) return tokenError(400, "invalid_grant", "The code verifier does not match.");
  const { key, jwk } = await localIssuerKey(await currentRootKey(env), LOCAL_OIDC_PURPOSE);
  const claims = {
    iss: localOidcIssuer(env),
    sub: code.subject,
    aud: code.clientId,
    iat: nowSeconds,
    exp: nowSeconds + ID_TOKEN_LIFETIME_S,
    ...(code.nonce === null ? {} : { nonce: code.nonce }),
    ...(code.email === null ? {} : { email: code.email, email_verified: code.emailVerified }),
  };
  return { status: 200, body: { token_type: "Bearer", expires_in: ID_TOKEN_LIFETIME_S, id_token: compactJws({ kid: jwk.kid, typ: "JWT" }, claims, key) } };
}
