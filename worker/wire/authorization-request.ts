import { S256_CHALLENGE } from "../../core/crypto/pkce.ts";
import { publicClient, redirectUriAllowed, type PublicClient } from "../../core/domain/identity/public-clients.ts";
import { parseSignInScopes } from "../../core/domain/identity/sign-in-scopes.ts";

/** A checked authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  readonly client: PublicClient;
  readonly redirectUri: string;
  readonly state: string | null;
  readonly scope: string;
  /** "" when the client sent none and need not (public-clients.ts). */
  readonly codeChallenge: string;
  readonly nonce: string;
  readonly loginHint: string;
}

/**
 * Where a bad request is answered (RFC 6749 §4.1.2.1): with an unknown client or a redirect URI not registered for it,
 * on our own page — never by redirecting to an unchecked URI; otherwise at the client's redirect URI.
 */
export type AuthorizationRequestCheck =
  | { readonly ok: true; readonly request: AuthorizationRequest }
  | { readonly ok: false; readonly redirectUri: null; readonly description: string }
  | { readonly ok: false; readonly redirectUri: string; readonly state: string | null; readonly error: string; readonly description: string };

const MAX_PARAMETER = 2048;

export function checkAuthorizationRequest(query: URLSearchParams, issuerOrigin: string): AuthorizationRequestCheck {
  const param = (name: string): string | null => {
    const value = query.get(name);
    return value === null || value.length > MAX_PARAMETER ? null : value;
  };
  const client = publicClient(param("client_id") ?? "");
  if (client === null) return { ok: false, redirectUri: null, description: "AADSTS700016: The application was not found in the directory." };
  const redirectUri = param("redirect_uri") ?? "";
  if (!redirectUriAllowed(client, redirectUri, issuerOrigin)) {
    return { ok: false, redirectUri: null, description: "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application." };
  }
  const state = param("state");
  const refuse = (error: string, description: string): AuthorizationRequestCheck => ({ ok: false, redirectUri, state, error, description });
  if (param("response_type") !== "code") return refuse("unsupported_response_type", "AADSTS700054: response_type must be code.");
  const responseMode = param("response_mode");
  if (responseMode !== null && responseMode !== "query") return refuse("invalid_request", "AADSTS900144: Only response_mode=query is supported.");
  // The service keeps no sign-in session, so a request that forbids asking the person cannot be answered (OIDC Core
  // §3.1.2.6; Entra's AADSTS50058), e.g. MSAL's silent renewal in a hidden frame.
  if (param("prompt") === "none") return refuse("login_required", "AADSTS50058: A silent sign-in request was sent but no user is signed in.");
  const scope = param("scope") ?? "";
  if (parseSignInScopes(scope) === null) return refuse("invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.");
  const challenge = param("code_challenge");
  const method = param("code_challenge_method");
  if (challenge === null ? client.pkceRequired : method !== "S256" || !S256_CHALLENGE.test(challenge)) {
    return refuse("invalid_request", "AADSTS9002325: Proof Key for Code Exchange is required: code_challenge with code_challenge_method S256.");
  }
  return { ok: true, request: { client, redirectUri, state, scope, codeChallenge: challenge ?? "", nonce: param("nonce") ?? "", loginHint: param("login_hint") ?? "" } };
}

/** The client's redirect URI with the answer's parameters added to its query (RFC 6749 §4.1.2). */
export function redirectWith(redirectUri: string, parameters: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}
