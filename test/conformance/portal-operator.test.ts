/**
 * The portal as the operator sees it (docs/portal.md), in headless Chromium from Debian: sign in with the operator key,
 * tenants, a vault created, deleted and recovered through the forms, a principal whose credential is shown once, a
 * role assigned, and each of those in the tenant's control-plane audit log. Screenshots go to test-results/portal/.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { everyPage, launchChromium, newPortalContext, noticeOf, portalUrl, screenshot, signInAsOperator, signInAsPerson } from "./support/portal-browser.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const vaultName = `op${crypto.randomUUID().slice(0, 8)}`;
/** Whole seconds, as the audit filter takes them, a second early so nothing of this suite falls before it. */
const started = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, "Z");
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  context = await newPortalContext(browser);
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

const vaults = (): string => portalUrl(facts, `/t/${facts.tenantId}/vaults`);

describe("the portal, signed in as the operator", () => {
  it("sends an anonymous visitor to sign-in, and signs the operator in", async () => {
    await page.goto(portalUrl(facts, "/t/" + facts.tenantId + "/vaults"));
    expect(page.url()).toBe(portalUrl(facts, "/signin"));
    await screenshot(page, "01-sign-in");
    await signInAsOperator(page, facts);
    await expect(page.getByRole("table", { name: "Tenants of this deployment" }).getByText(facts.tenantId)).toBeTruthy();
    expect(await page.getByRole("cell", { name: facts.tenantId }).count()).toBe(1);
    await screenshot(page, "02-tenants");
  });

  it("refuses a wrong operator key", async () => {
    const other = await newPortalContext(browser);
    try {
      const tab = await other.newPage();
      await tab.goto(portalUrl(facts, "/signin"));
      await tab.getByLabel("Operator key").fill("not-the-operator-key-at-all");
      await tab.getByRole("button", { name: "Sign in as operator" }).click();
      await tab.waitForURL(/\/portal\/signin$/);
      expect(await noticeOf(tab)).toBe("That operator key was not accepted.");
    } finally {
      await other.close();
    }
  });

  it("creates a vault with the form, and the control plane has it", async () => {
    await page.goto(vaults());
    await page.getByRole("group", { name: "New vault" }).getByLabel("Vault name").fill(vaultName);
    await page.getByLabel("Soft-delete retention (days)").fill("7");
    await page.getByRole("button", { name: "Create vault" }).click();
    await page.waitForURL(new RegExp(`/vaults/${vaultName}$`));
    expect(await noticeOf(page)).toBe(`Vault ${vaultName} created.`);
    expect((await admin.getVault(facts.tenantId, vaultName))?.softDeleteRetentionInDays).toBe(7);
    await screenshot(page, "03-vault");
  });

  it("creates a principal and shows its credential once", async () => {
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/principals`));
    await page.getByRole("group", { name: "New principal" }).getByLabel("Display name").fill(`portal-app-${vaultName}`);
    await page.getByRole("button", { name: "Create principal" }).click();
    const credential = await page.locator("pre[data-secret]").innerText();
    expect(credential).toMatch(/clientSecret: \S{20,}/);
    await screenshot(page, "04-principal-credential");
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/principals`));
    expect(await page.locator("pre[data-secret]").count()).toBe(0);
    expect(await page.content()).not.toContain(credential.split("clientSecret: ")[1] ?? "(none)");
  });

  it("creates a person, who can then sign in", async () => {
    const upn = `grace-${vaultName}@example.com`;
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/principals`));
    const form = page.getByRole("group", { name: "New person" });
    await form.getByLabel("User principal name").fill(upn);
    await form.getByLabel("Initial password").fill("a long enough password");
    await page.getByRole("button", { name: "Create person" }).click();
    expect(await noticeOf(page)).toBe(`${upn} can now sign in.`);
    const other = await newPortalContext(browser);
    try {
      await signInAsPerson(await other.newPage(), facts, upn, "a long enough password");
    } finally {
      await other.close();
    }
  });

  it("assigns a role on the vault", async () => {
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/vaults/${vaultName}/access`));
    await page.getByLabel("Principal").selectOption({ label: `portal-app-${vaultName} (servicePrincipal)` });
    await page.getByLabel("Role").selectOption("Key Vault Secrets Officer");
    await page.getByRole("button", { name: "Assign" }).click();
    expect(await noticeOf(page)).toBe("Key Vault Secrets Officer assigned.");
    const row = page.getByRole("row", { name: new RegExp(`portal-app-${vaultName}`) });
    expect(await row.getByRole("cell", { name: "Key Vault Secrets Officer" }).count()).toBe(1);
    await screenshot(page, "05-access");
  });

  it("deletes the vault and recovers it", async () => {
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/vaults/${vaultName}`));
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete vault" }).click();
    await page.waitForURL(vaults());
    const deleted = page.getByRole("table", { name: "Deleted vaults" }).getByRole("row", { name: new RegExp(vaultName) });
    await deleted.getByRole("button", { name: "Recover" }).click();
    expect(await noticeOf(page)).toBe(`Vault ${vaultName} recovered.`);
    expect(await admin.getVault(facts.tenantId, vaultName)).toBeDefined();
    await screenshot(page, "06-vaults");
  });

  it("shows each of those in the tenant's control-plane audit log", async () => {
    // From this suite's start (other suites share the tenant), every page of it by its Next page link.
    const { text } = await everyPage(page, portalUrl(facts, `/t/${facts.tenantId}/audit?from=${encodeURIComponent(started)}`));
    for (const operation of ["VaultPut", "PrincipalCreate", "RoleAssignmentPut", "VaultDelete"]) expect(text).toContain(operation);
    await page.goto(portalUrl(facts, `/t/${facts.tenantId}/audit?from=${encodeURIComponent(started)}`));
    await screenshot(page, "07-tenant-audit");
  });
});
