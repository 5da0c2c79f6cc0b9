/**
 * The portal's safety (docs/portal.md "Security"): headers on every page, CSRF refusal, no framing, no token where a
 * page script could read it. Real headless Chromium from Debian where a browser decides (framing, storage).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { launchChromium, newPortalContext, portalUrl, scriptReadableState, signInAsOperator } from "./support/portal-browser.ts";

const facts = devServerFacts();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe("portal security headers", () => {
  it("sends a CSP without unsafe-inline, frame-ancestors 'none', X-Frame-Options DENY and no-store", async () => {
    const response = await fetch(portalUrl(facts, "/signin"));
    expect(response.status).toBe(200);
    const header = (name: string): string => response.headers.get(name) ?? "";
    const csp = header("content-security-policy");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(header("x-frame-options")).toBe("DENY");
    expect(header("cache-control")).toBe("no-store");
    const cookie = header("set-cookie");
    expect(cookie).toMatch(/^__Host-portal-0=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it("has no inline script or style and no inline handler in its pages", async () => {
    const body = await (await fetch(portalUrl(facts, "/signin"))).text();
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(body).not.toMatch(/<style/);
    expect(body).not.toMatch(/\son[a-z]+=/);
    expect(body).not.toMatch(/\sstyle=/);
  });
});

describe("portal CSRF protection", () => {
  it("refuses a signed-in form post without the session's CSRF token, and nothing changes", async () => {
    const context = await newPortalContext(browser);
    try {
      const page = await context.newPage();
      await signInAsOperator(page, facts);
      const tenantsBefore = await page.locator("tbody tr").count();
      // The browser's own cookies, a well-formed form, but no token (and then a wrong one): what a forged post has.
      const missing = await page.request.post(portalUrl(facts, "/tenants"), { form: { displayName: "forged-tenant" }, maxRedirects: 0 });
      expect(missing.status()).toBe(403);
      const wrong = await page.request.post(portalUrl(facts, "/tenants"), { form: { displayName: "forged-tenant", _csrf: "AAAA" }, maxRedirects: 0 });
      expect(wrong.status()).toBe(403);
      await page.reload();
      expect(await page.locator("tbody tr").count()).toBe(tenantsBefore);
      expect(await page.content()).not.toContain("forged-tenant");
    } finally {
      await context.close();
    }
  });

  it("refuses a sign-in post without the token (login CSRF)", async () => {
    const response = await fetch(portalUrl(facts, "/signin/operator"), {
      method: "POST",
      body: new URLSearchParams({ operatorKey: facts.operatorKey }),
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    // No session was made for the operator: a fresh anonymous one at most.
    expect(await response.text()).toContain("CSRF");
  });
});

describe("portal in a browser", () => {
  it("keeps no token in localStorage, sessionStorage or script-readable cookies", async () => {
    const context = await newPortalContext(browser);
    try {
      const page = await context.newPage();
      await signInAsOperator(page, facts);
      const stores = await scriptReadableState(page);
      expect(stores).toEqual({ local: 0, session: 0, cookie: "" });
      const html = await page.content();
      expect(html).not.toContain(facts.operatorKey);
    } finally {
      await context.close();
    }
  });

  it("cannot be framed by another site", async () => {
    const framing: Server = createServer((_, response) => {
      response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><iframe id="f" src="${portalUrl(facts, "/signin")}"></iframe>`);
    });
    await new Promise<void>((resolve) => framing.listen(0, "127.0.0.1", resolve));
    const context = await newPortalContext(browser);
    try {
      const page = await context.newPage();
      const refused = page.waitForEvent("console", { predicate: (m) => /frame-ancestors|Refused to (display|frame)/i.test(m.text()), timeout: 15_000 });
      await page.goto(`http://127.0.0.1:${(framing.address() as AddressInfo).port}/`);
      await refused;
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const framedText = frame === undefined ? "" : String(await frame.evaluate("document.body ? document.body.innerText : ''").catch(() => ""));
      expect(framedText).not.toContain("Operator key");
    } finally {
      await context.close();
      await new Promise((resolve) => framing.close(resolve));
    }
  });
});
