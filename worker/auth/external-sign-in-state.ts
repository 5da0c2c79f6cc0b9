import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { bytesToBase64Url, timingSafeEqual, utf8 } from "../../core/crypto/bytes.ts";
import { externalSignInStateAad } from "../../core/crypto/envelope/aad.ts";
import { EXTERNAL_SIGN_IN_STATE_SECONDS } from "../../core/domain/identity/sign-in-provider.ts";
import { sealValue, unsealValue } from "./sealed-value.ts";

/**
 * The `state` of an external sign-in (RFC 6749 §10.12, OIDC Core §3.1.2.1; docs/sign-in.md "External identity
 * providers"): what the callback needs to continue the original authorization request — that request's query, the
 * provider, the nonce and PKCE verifier sent to it — sealed (nothing is stored until it comes back), short-lived
 * (EXTERNAL_SIGN_IN_STATE_SECONDS, checked by the tenant object's clock), one use (the tenant object spends its id),
 * and bound to the browser that started it: a random value in a `__Host-` cookie must equal the one sealed inside,
 * so a state lured into another browser (login CSRF) is refused. The cookie is SameSite=Lax: the provider's redirect
 * back is a cross-site top-level navigation, which a Strict cookie would not accompany.
 */
const PURPOSE = "external-sign-in/state/v1";
const COOKIE = "__Host-external-sign-in";

export interface ExternalSignInState {
  readonly id: string;
  readonly provider: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly binding: string;
  /** Unix seconds. */
  readonly expires: number;
  /** The original authorization request's query string, continued after the callback. */
  readonly query: string;
}

const random = (): string => bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));

/** A new state for `provider` continuing `query`; sets the browser's binding cookie. */
export async function startState(c: Context, tenantId: string, provider: string, query: string, verifier: string, nowSeconds: number): Promise<{ state: string; nonce: string }> {
  const binding = random();
  const value: ExternalSignInState = { id: crypto.randomUUID(), provider, nonce: random(), verifier, binding, expires: nowSeconds + EXTERNAL_SIGN_IN_STATE_SECONDS, query };
  setCookie(c, COOKIE, binding, { secure: true, httpOnly: true, sameSite: "Lax", path: "/", maxAge: EXTERNAL_SIGN_IN_STATE_SECONDS });
  return { state: await sealValue(c.env as Env, PURPOSE, externalSignInStateAad(tenantId), value), nonce: value.nonce };
}

function isState(value: unknown): value is ExternalSignInState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return ["id", "provider", "nonce", "verifier", "binding", "query"].every((k) => typeof v[k] === "string") && typeof v.expires === "number";
}

/** The state if this deployment sealed it for this tenant and this browser holds its binding; else null. */
export async function openState(c: Context, tenantId: string, sealed: string): Promise<ExternalSignInState | null> {
  const value = await unsealValue(c.env as Env, PURPOSE, externalSignInStateAad(tenantId), sealed);
  const cookie = getCookie(c, COOKIE);
  if (!isState(value) || cookie === undefined) return null;
  return timingSafeEqual(utf8(cookie), utf8(value.binding)) ? value : null;
}

/** The binding has served its one use. */
export function clearStateCookie(c: Context): void {
  setCookie(c, COOKIE, "", { secure: true, httpOnly: true, sameSite: "Lax", path: "/", maxAge: 0 });
}
