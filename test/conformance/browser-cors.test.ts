/**
 * CORS from a real browser (issue 17; docs/access-control.md "CORS"): headless Chromium (Debian `chromium`, driven by
 * playwright-core) loads a page that uses the official `@azure/keyvault-secrets`, unmodified, against a vault of the
 * dev server. With the page's origin in the vault's CORS rule the SDK's whole exchange — the bodiless challenge, the
 * 401 whose WWW-Authenticate it must read, the token and the calls — succeeds; without it the browser withholds the
 * answers from the page and the SDK call fails.
 */
import { existsSync } from "node:fs";
import { ManagedIdentityCredential } from "@azure/identity";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { serveBrowserPage, type BrowserPage } from "./support/browser-page.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { tokenResource } from "./support/raw-vault.ts";

const CHROMIUM = "/usr/bin/chromium";
const facts = devServerFacts();
const admin = adminClient(facts);
let browser: Browser;
let page: BrowserPage;

beforeAll(async () => {
  // No silent skip: CI installs chromium (.ci/run).
  expect(existsSync(CHROMIUM), "Chromium is installed (apt-get install chromium)").toBe(true);
  page = await serveBrowserPage();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await page?.close();
});

async function vaultFor(prefix: string, cors: unknown): Promise<string> {
  const name = `${prefix}${crypto.randomUUID().slice(0, 8)}`;
  await admin.createVault(facts.tenantId, name, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
  await admin.assignRole(facts.tenantId, name, crypto.randomUUID(), "Key Vault Secrets Officer", facts.principalId);
  if (cors !== null) await admin.setVaultSettings(facts.tenantId, name, { cors });
  return `https://${name}.vault.localhost:${facts.port}`;
}

async function setAndReadInBrowser(vaultUrl: string): Promise<{ ok: boolean; value: string }> {
  const token = (await new ManagedIdentityCredential().getToken(`${tokenResource(vaultUrl)}/.default`))?.token ?? "";
  // The dev server's certificate is signed by its own CA, which the browser does not know.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const tab = await context.newPage();
    await tab.goto(page.origin);
    return await tab.evaluate(
      async (exchange) => {
        const run = (globalThis as unknown as { setAndRead(e: typeof exchange): Promise<string> }).setAndRead;
        try {
          return { ok: true, value: await run(exchange) };
        } catch (error) {
          return { ok: false, value: String(error) };
        }
      },
      { vaultUrl, token, name: "from-the-browser", value: "set by a page" },
    );
  } finally {
    await context.close();
  }
}

describe("a browser page using @azure/keyvault-secrets", () => {
  it("sets and reads a secret through the vault's CORS rule", { timeout: 60_000 }, async () => {
    const vaultUrl = await vaultFor("cors", { allowedOrigins: [page.origin], allowedMethods: ["GET", "PUT"], allowedHeaders: ["*"], maxAgeInSeconds: 60 });
    expect(await setAndReadInBrowser(vaultUrl)).toEqual({ ok: true, value: "set by a page" });
  });

  it("is refused by the browser when the vault has no rule for its origin", { timeout: 60_000 }, async () => {
    const vaultUrl = await vaultFor("nocors", null);
    const result = await setAndReadInBrowser(vaultUrl);
    expect(result.ok).toBe(false);
    expect(result.value).toMatch(/fetch|network|Failed/i);
  });
});
