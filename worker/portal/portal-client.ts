/**
 * The portal's OAuth client id: the public client the token service knows for redirects to
 * `{ISSUER_ORIGIN}/portal/callback` (docs/sign-in.md; core/domain/identity/public-clients.ts once merged).
 */
export const PORTAL_CLIENT_ID = "5e1f6a3c-0b7d-4c2e-9f84-2d6b1a7e3c90";
