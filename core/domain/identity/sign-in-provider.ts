/**
 * An external OpenID Connect provider people of a tenant may sign in with (docs/sign-in.md "External identity
 * providers"): the tenant admin registered this deployment as a client there (redirect URI
 * `{ISSUER_ORIGIN}/{tenant}/oauth2/v2.0/external/callback`) and keeps that registration here. The client secret is
 * sealed at rest and never shown. Which local user an external identity is decided by an explicit link (issuer +
 * `sub`, OIDC Core §2: the pair is the identity) or, only when the admin opts in, by a verified email equal to a
 * user's sign-in name.
 */
export type ClientAuthMethod = "client_secret_post" | "client_secret_basic";

export interface SignInProvider {
  /** The name in the admin path and on the sign-in page's link. */
  readonly name: string;
  /** What the button says: "Sign in with {displayName}". */
  readonly displayName: string;
  /** Compared exactly with the ID token's `iss`; discovery and keys are found under it (OIDC Discovery 1.0 §4). */
  readonly issuer: string;
  readonly clientId: string;
  /** How the client secret is presented at the token endpoint (RFC 6749 §2.3.1). */
  readonly clientAuth: ClientAuthMethod;
  /** Asked of the provider; always includes `openid`. */
  readonly scopes: readonly string[];
  /** Map an identity without a link by its `email` when `email_verified` is true (off unless the admin opts in). */
  readonly linkByVerifiedEmail: boolean;
  readonly created: number;
  readonly updated: number;
}

/** What the sign-in itself needs beyond the public record: the opened client secret (never leaves the Worker). */
export interface SignInProviderRegistration extends SignInProvider {
  readonly clientSecret: string;
}

/** An external identity linked to a local user. */
export interface ExternalIdentityLink {
  readonly id: string;
  readonly userId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly created: number;
}

/** What a verified ID token says about the person (OIDC Core §2, §5.1). */
export interface ExternalIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
}

export const MAX_SIGN_IN_PROVIDERS = 8;
export const MAX_LINKS_PER_USER = 16;
/** How long a started external sign-in may take to come back (the person may type a password and a code there). */
export const EXTERNAL_SIGN_IN_STATE_SECONDS = 600;
