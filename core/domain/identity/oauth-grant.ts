/**
 * The answers of a person's grants at the token endpoint, as values the tenant object returns and the Worker writes in
 * OAuth 2.0's shape (RFC 6749 §5.1, §5.2; RFC 8628 §3.5) with Entra's AADSTS numbers, which MSAL and az parse.
 */
export type GrantErrorCode =
  | "invalid_request"
  | "invalid_grant"
  | "invalid_client"
  | "invalid_scope"
  | "unauthorized_client"
  | "access_denied"
  | "authorization_pending"
  | "slow_down"
  | "expired_token"
  | "temporarily_unavailable";

export interface GrantError {
  readonly error: GrantErrorCode;
  /** Entra's AADSTS number for the failure (its `error_codes`). */
  readonly aadsts: number;
  readonly description: string;
}

export type GrantOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: GrantError };

export const granted = <T>(value: T): GrantOutcome<T> => ({ ok: true, value });
export const refused = (error: GrantErrorCode, aadsts: number, description: string): GrantOutcome<never> => ({
  ok: false,
  error: { error, aadsts, description: `AADSTS${aadsts}: ${description}` },
});

/** A token endpoint answer for a person (Entra v2.0's fields). */
export interface TokenAnswer {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scope: string;
  readonly refreshToken: string | null;
  readonly idToken: string | null;
  readonly clientInfo: string;
}

/** Why a sign-in was refused, as the tenant's audit log records it (never the password). */
export type SignInFailure =
  | "InvalidCredentials"
  | "AccountLocked"
  | "AccountDisabled"
  | "InvalidTotp"
  | "InvalidUserCode"
  // External identity providers (docs/sign-in.md "External identity providers"):
  | "UnknownExternalIdentity"
  | "InvalidExternalToken"
  | "InvalidSignInState"
  | "ProviderNotConfigured"
  | "ExternalSignInDeclined";

export const SIGN_IN_REFUSALS: Record<SignInFailure, GrantError> = {
  InvalidCredentials: { error: "invalid_grant", aadsts: 50126, description: "AADSTS50126: Error validating credentials due to invalid username or password." },
  AccountLocked: { error: "invalid_grant", aadsts: 50053, description: "AADSTS50053: The account is locked because of too many failed sign-in attempts. Try again later." },
  AccountDisabled: { error: "invalid_grant", aadsts: 50057, description: "AADSTS50057: The user account is disabled." },
  InvalidTotp: { error: "invalid_grant", aadsts: 50076, description: "AADSTS50076: The verification code is missing, wrong, or already used." },
  InvalidUserCode: { error: "invalid_grant", aadsts: 70000, description: "AADSTS70000: That code is not valid or has expired. Check the code on your device and try again." },
  UnknownExternalIdentity: { error: "access_denied", aadsts: 50020, description: "AADSTS50020: The user account from the external identity provider does not exist in this tenant and cannot access the application. Ask an administrator to link it to your account." },
  InvalidExternalToken: { error: "access_denied", aadsts: 50000, description: "AADSTS50000: The external identity provider's answer could not be verified. Try again, or sign in with your password." },
  InvalidSignInState: { error: "invalid_request", aadsts: 50000, description: "AADSTS50000: This sign-in expired, was already used, or was started in another browser. Go back to the application and sign in again." },
  ProviderNotConfigured: { error: "invalid_request", aadsts: 50000, description: "AADSTS50000: That identity provider is not configured for this tenant." },
  ExternalSignInDeclined: { error: "access_denied", aadsts: 65004, description: "AADSTS65004: The user declined to sign in or the identity provider refused." },
};
