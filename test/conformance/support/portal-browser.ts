import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import type { DevServerFacts } from "./dev-server-facts.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Screenshots of each view, kept by the run for review (gitignored). */
export const SCREENSHOTS = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../test-results/portal");

/** Debian's Chromium, headless, driven by playwright-core (no bundled browser download). No silent skip: CI installs it. */
export async function launchChromium(): Promise<Browser> {
  expect(existsSync(CHROMIUM), "Chromium is installed (apt-get install chromium)").toBe(true);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

/** A fresh browser profile (no cookies) trusting nothing extra: the dev server's CA is its own, so errors are ignored. */
export function newPortalContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
}

export const portalUrl = (facts: DevServerFacts, path = ""): string => `${facts.origin}/portal${path}`;

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs the operator in through the portal's form. */
export async function signInAsOperator(page: Page, facts: DevServerFacts): Promise<void> {
  await page.goto(portalUrl(facts, "/signin"));
  await page.getByLabel("Operator key").fill(facts.operatorKey);
  await page.getByRole("button", { name: "Sign in as operator" }).click();
  await page.waitForURL(/\/portal\/tenants$/);
}

/** The text of the page's one-off notice (the outcome of the last form). */
export const noticeOf = (page: Page): Promise<string> => page.locator("p.notice").first().innerText();

/** A person of the tenant, made by the operator through the admin API (docs/sign-in.md "Users"). */
export async function createUser(facts: DevServerFacts, userPrincipalName: string, password: string, tenantAdmin: boolean): Promise<string> {
  const response = await fetch(`${facts.origin}/admin/tenants/${facts.tenantId}/users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${facts.operatorKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ userPrincipalName, displayName: userPrincipalName.split("@")[0], password, tenantAdmin }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Signs a person in: the portal's form, then the token service's sign-in page (authorization code + PKCE). */
export async function signInAsPerson(page: Page, facts: DevServerFacts, userPrincipalName: string, password: string): Promise<void> {
  await page.goto(portalUrl(facts, "/signin"));
  await page.getByLabel("Tenant id").fill(facts.tenantId);
  await page.getByRole("button", { name: "Continue to sign-in" }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
  await page.getByLabel("Email or user name").fill(userPrincipalName);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(new RegExp(`/portal/t/${facts.tenantId}/vaults$`));
}

/** What a script of the page can read: web storage and non-HttpOnly cookies (run in the page; a string, as no DOM types here). */
export const scriptReadableState = (page: Page): Promise<unknown> =>
  page.evaluate("({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })");

/** The table bodies of a list's every page, followed by its "Next page" link (server-rendered; no script needed). */
export async function everyPage(page: Page, url: string, maxPages = 40): Promise<{ text: string; pages: number }> {
  await page.goto(url);
  let text = await page.locator("tbody").innerText();
  let pages = 1;
  for (let next = page.getByRole("link", { name: "Next page" }); (await next.count()) > 0 && pages < maxPages; pages++) {
    await next.click();
    await page.waitForLoadState();
    text += await page.locator("tbody").innerText();
  }
  return { text, pages };
}
