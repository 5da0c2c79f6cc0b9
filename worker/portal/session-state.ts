/** The portal session's shape (sealed in its cookie by session.ts). */

/** An access token the portal holds for one resource (the admin API, or the data plane of one vault host). */
export interface HeldToken {
  readonly token: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** Who is signed in: the operator (its key), or a person of a tenant with the tokens the token service gave them. */
export type Identity =
  | { readonly kind: "operator"; readonly key: string }
  | {
      readonly kind: "person";
      readonly tenantId: string;
      readonly name: string;
      readonly refreshToken: string;
      readonly tokens: Readonly<Record<string, HeldToken>>;
    };

/** A sign-in under way: the PKCE verifier and state (RFC 7636, RFC 6749 §10.12) until the callback. */
export interface PendingSignIn {
  readonly tenantId: string;
  readonly state: string;
  readonly verifier: string;
}

export interface PortalSession {
  /** Random; the CSRF token is bound to it, and it is replaced at sign-in and sign-out (no session fixation). */
  readonly id: string;
  /** Seconds since the epoch; the session is void afterwards whatever the cookie's own lifetime says. */
  readonly expiresAt: number;
  readonly identity?: Identity;
  readonly pending?: PendingSignIn;
  /** One message for the next page (the outcome of a form that redirected). */
  readonly notice?: { readonly kind: "ok" | "error"; readonly text: string };
}
