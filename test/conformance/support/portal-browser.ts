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
