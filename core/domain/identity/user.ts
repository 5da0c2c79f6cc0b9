import type { Principal } from "./principal.ts";

/** A person of the tenant (docs/sign-in.md): a principal of type user, with its sign-in name. */
export interface User extends Principal {
  readonly type: "user";
  /** The sign-in name, `name@domain`, unique in the tenant (compared case-insensitively: stored lower-cased). */
  readonly userPrincipalName: string;
  /** A disabled user cannot sign in and its refresh tokens stop working. */
  readonly enabled: boolean;
}

/** Entra allows 113 characters before the @ and 64 after; one bound for the whole name is enough here. */
export const MAX_USER_PRINCIPAL_NAME = 256;
const USER_PRINCIPAL_NAME = /^[A-Za-z0-9._%+\-']+@[A-Za-z0-9.-]+$/;

/** Password policy (docs/sign-in.md): NIST SP 800-63B §5.1.1.2 — length only, at least 8, at most 256 characters. */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export function normalizeUserPrincipalName(value: string): string | null {
  const name = value.trim().toLowerCase();
  return name.length <= MAX_USER_PRINCIPAL_NAME && USER_PRINCIPAL_NAME.test(name) ? name : null;
}

/** Why a password is refused, or null. Counted in code points, as a person counts characters. */
export function passwordProblem(password: string, userPrincipalName: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.toLowerCase() === userPrincipalName.toLowerCase()) return "The password must not be the user principal name.";
  return null;
}
