import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { timingSafeEqual, utf8 } from "../../core/crypto/bytes.ts";
import { readBoundedBody } from "../wire/bounded-body.ts";
import type { PortalEnv } from "./portal-env.ts";
import { csrfTokenFor, seal, unseal } from "./session-seal.ts";
import type { PortalSession } from "./session-state.ts";

/** `__Host-`: Secure, Path=/, no Domain (RFC 6265bis §4.1.3.2) — no sibling host can set or shadow it. */
const COOKIE = "__Host-portal";
/** A browser keeps at least 4,096 bytes per cookie (RFC 6265 §6.1); tokens are split over numbered cookies. */
const CHUNK = 3_800;
const MAX_CHUNKS = 6;
export const SESSION_SECONDS = 8 * 3600;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function freshSession(): PortalSession {
  return { id: crypto.randomUUID(), expiresAt: nowSeconds() + SESSION_SECONDS };
}

function isSession(value: unknown): value is PortalSession {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === "string" && typeof v.expiresAt === "number" && v.expiresAt > nowSeconds();
}

/**
 * Loads the session before the route and writes it back after, when the route changed it (`c.set("session", …)`).
 * A missing, tampered or expired cookie starts a fresh anonymous session.
 */
export const portalSession = createMiddleware<PortalEnv>(async (c, next) => {
  let text = "";
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = getCookie(c, `${COOKIE}-${i}`);
    if (part === undefined) break;
    text += part;
  }
  const opened = text === "" ? null : await unseal(c.env, text);
  const loaded = isSession(opened) ? opened : freshSession();
  c.set("session", loaded);
  c.set("csrfToken", await csrfTokenFor(c.env, loaded.id));
  await next();
  const session = c.get("session");
  if (session === loaded && opened !== null) return;
  const sealed = await seal(c.env, session);
  const count = Math.ceil(sealed.length / CHUNK);
  if (count > MAX_CHUNKS) throw new Error("portal session too large");
  const options = { path: "/", secure: true, httpOnly: true, sameSite: "Strict" } as const;
  for (let i = 0; i < MAX_CHUNKS; i++) {
    if (i < count) setCookie(c, `${COOKIE}-${i}`, sealed.slice(i * CHUNK, (i + 1) * CHUNK), { ...options, maxAge: SESSION_SECONDS });
    else if (getCookie(c, `${COOKIE}-${i}`) !== undefined) setCookie(c, `${COOKIE}-${i}`, "", { ...options, maxAge: 0 });
  }
});

/** The portal's forms are small (a secret value is at most 25 KB in Azure, a PEM chain a few KB). */
const MAX_FORM_BYTES = 256 * 1024;

/**
 * Every state-changing request must carry the session's CSRF token in its form (`_csrf`); otherwise 403 and nothing
 * happens. SameSite=Strict already keeps the cookie off cross-site posts; the token is the second, independent lock.
 */
export const csrfGuard = createMiddleware<PortalEnv>(async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const bytes = await readBoundedBody(c.req.raw.clone(), MAX_FORM_BYTES);
  if (bytes === null) return c.text("The form is too large.", 413);
  const sent = new URLSearchParams(new TextDecoder().decode(bytes)).get("_csrf");
  if (sent === null || !timingSafeEqual(utf8(sent), utf8(c.get("csrfToken")))) {
    return c.text("The form's CSRF token is missing or wrong: reload the page and try again.", 403);
  }
  return next();
});

/** Replaces the session by one with the same fields over `changes`. */
export function updateSession(c: { get(key: "session"): PortalSession; set(key: "session", value: PortalSession): void }, changes: Partial<PortalSession>): void {
  c.set("session", { ...c.get("session"), ...changes });
}
