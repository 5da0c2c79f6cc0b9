import { getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { bytesToBase64Url, timingSafeEqual, utf8 } from "../../core/crypto/bytes.ts";

/**
 * CSRF protection for the sign-in forms: a double-submit token (OWASP CSRF Prevention Cheat Sheet) — a random value in
 * a `__Host-` cookie (Secure, path /, this host only, SameSite=Strict, HttpOnly) and in the form's hidden field; a
 * POST is accepted only when both are present and equal. A cross-site page can neither read nor set the cookie.
 */
const COOKIE = "__Host-sign-in-csrf";
export const CSRF_FIELD = "csrf_token";

/** The page's token: the one already set, or a new one set now. */
export function csrfToken(c: Context): string {
  const existing = getCookie(c, COOKIE);
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  setCookie(c, COOKIE, token, { secure: true, httpOnly: true, sameSite: "Strict", path: "/" });
  return token;
}

export function csrfAccepted(c: Context, submitted: string | null): boolean {
  const cookie = getCookie(c, COOKIE);
  return cookie !== undefined && submitted !== null && timingSafeEqual(utf8(cookie), utf8(submitted));
}
