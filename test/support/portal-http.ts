/**
 * The portal over raw HTTP inside workerd (docs/portal.md): a browser's cookie jar and form posts, and a person's
 * sign-in by authorization code + PKCE. Shared by the portal's HTTP-level tests.
 */
import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { ISSUER_ORIGIN } from "./fixture.ts";
import { PASSWORD, openSignInPage, submitSignIn } from "./sign-in.ts";

export const PORTAL = `${ISSUER_ORIGIN}/portal`;

/** A browser's cookie jar, enough for the portal's `__Host-portal-N` cookies. */
export class Browser {
  private readonly jar = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await SELF.fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), ...(cookie === "" ? {} : { Cookie: cookie }) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", value = ""] = pair.split("=");
      if (attributes.some((a) => /max-age=0/i.test(a.trim()))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** The CSRF token of the form on `path`. */
  async csrf(path: string): Promise<string> {
    const html = await (await this.fetch(`${PORTAL}${path}`)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(`${PORTAL}${path}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  }

  /** Another browser holding the same cookies (what a stolen cookie is). */
  copy(): Browser {
    const other = new Browser();
    for (const [name, value] of this.jar) other.jar.set(name, value);
    return other;
  }

  tamper(): void {
    for (const [name, value] of this.jar) this.jar.set(name, `${value.slice(0, -4)}AAAA`);
  }
}

/** Signs `userPrincipalName` of `tenantId` in through the portal (the browser keeps the session). */
export async function signInPerson(browser: Browser, tenantId: string, userPrincipalName: string): Promise<void> {
  const started = await browser.post("/signin/person", { tenantId, _csrf: await browser.csrf("/signin") });
  const authorize = started.headers.get("Location") ?? "";
  const page = await openSignInPage(authorize);
  const answer = await submitSignIn(authorize, page, { userPrincipalName, password: PASSWORD });
  expect(answer.status).toBe(302);
  const signedIn = await browser.fetch(answer.headers.get("Location") ?? "");
  expect(signedIn.headers.get("Location")).toBe(`/portal/t/${tenantId}/vaults`);
}
