/**
 * A person signs into the portal through the tenant's external identity provider (docs/sign-in.md "External identity
 * providers"), in headless Chromium from Debian, against `npm run dev`: the operator registers the local OIDC issuer
 * (served by the dev server, loopback only) as the tenant's provider and links the person's external identity; the
 * person clicks "Sign in with …" on the token service's page, signs in at the local provider's form, and lands in the
 * portal signed in as their local user — no password typed. An identity linked to nobody is refused on our page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { createUser, launchChromium, newPortalContext, portalUrl, screenshot } from "./support/portal-browser.ts";

const facts = devServerFacts();
const suffix = crypto.randomUUID().slice(0, 8);
const upn = `grace-${suffix}@example.com`;
const provider = `local${suffix}`;
let browser: Browser;
let context: BrowserContext;

async function adminRequest(method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${facts.origin}/admin/tenants/${facts.tenantId}${path}`, {
    method,
    headers: { Authorization: `Bearer ${facts.operatorKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

/** From the portal's sign-in form to the local provider's form, through the provider's link on our page. */
async function toProviderForm(page: Page): Promise<void> {
  await page.goto(portalUrl(facts, "/signin"));
  await page.getByLabel("Tenant id").fill(facts.tenantId);
  await page.getByRole("button", { name: "Continue to sign-in" }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
  await page.getByRole("link", { name: `Sign in with Local IdP ${suffix}` }).click();
  await page.waitForURL(/\/local-oidc\/authorize/);
}

beforeAll(async () => {
  const userId = await createUser(facts, upn, `correct horse ${suffix}`, false);
  await adminRequest("PUT", `/signInProviders/${provider}`, { issuer: `${facts.origin}/local-oidc`, clientId: `edge-vault-${suffix}`, clientSecret: `secret-${suffix}`, displayName: `Local IdP ${suffix}` });
  await adminRequest("POST", `/users/${userId}/externalIdentities`, { issuer: `${facts.origin}/local-oidc`, subject: `ext-grace-${suffix}` });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await adminRequest("DELETE", `/signInProviders/${provider}`, {}).catch(() => undefined);
});

describe("the portal through an external identity provider", () => {
  it("signs the linked person in without their password", async () => {
    context = await newPortalContext(browser);
    const page = await context.newPage();
    await toProviderForm(page);
    await page.getByLabel("Subject (sub)").fill(`ext-grace-${suffix}`);
    await screenshot(page, "external-01-provider-form");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(new RegExp(`/portal/t/${facts.tenantId}/vaults$`));
    expect(await page.locator("header").innerText()).toContain(upn);
    await screenshot(page, "external-02-signed-in");
  });

  it("refuses an external identity linked to nobody, on our page, and the portal stays signed out", async () => {
    const fresh = await newPortalContext(browser);
    const page = await fresh.newPage();
    await toProviderForm(page);
    await page.getByLabel("Subject (sub)").fill(`ext-nobody-${suffix}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/oauth2\/v2\.0\/external\/callback/);
    expect(await page.getByRole("status").innerText()).toContain("AADSTS50020");
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/vaults`));
    expect(page.url()).toContain("/portal/signin");
    await fresh.close();
  });
});
