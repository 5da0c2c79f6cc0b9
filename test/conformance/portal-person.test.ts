/**
 * The portal as a person uses it (docs/portal.md), in headless Chromium from Debian: sign in by authorization code +
 * PKCE, create a vault, give themself a role, set and reveal a secret, create a key and sign, create a certificate and
 * download it — and see each in the vault's audit log. Every step goes through the public APIs with the person's
 * token; the checks read the results back through the admin API or the data plane. Screenshots: test-results/portal/.
 */
import { execFileSync } from "node:child_process";
import { createPublicKey, createVerify, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { createUser, everyPage, launchChromium, newPortalContext, noticeOf, portalUrl, screenshot, scriptReadableState, signInAsPerson } from "./support/portal-browser.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const suffix = crypto.randomUUID().slice(0, 8);
const vaultName = `pv${suffix}`;
const upn = `ada-${suffix}@example.com`;
const password = `correct horse ${suffix}`;
let userId: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const vaultPath = (tail: string): string => portalUrl(facts, `/t/${facts.tenantId}/vaults/${vaultName}${tail}`);

beforeAll(async () => {
  userId = await createUser(facts, upn, password, true);
  browser = await launchChromium();
  context = await newPortalContext(browser);
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe("the portal, signed in as a person", () => {
  it("signs in with authorization code + PKCE and keeps no token in the page's reach", async () => {
    await signInAsPerson(page, facts, upn, password);
    expect(await page.locator("header").innerText()).toContain(upn);
    const stores = await scriptReadableState(page);
    expect(stores).toEqual({ local: 0, session: 0, cookie: "" });
  });

  it("creates a vault and assigns themself Key Vault Administrator", async () => {
    await page.getByRole("group", { name: "New vault" }).getByLabel("Vault name").fill(vaultName);
    await page.getByRole("button", { name: "Create vault" }).click();
    expect(await noticeOf(page)).toBe(`Vault ${vaultName} created.`);
    expect(await admin.getVault(facts.tenantId, vaultName)).toBeDefined();
    await page.goto(vaultPath("/access"));
    await page.getByLabel("Principal").selectOption({ label: `${upn.split("@")[0]} (user)` });
    await page.getByLabel("Role").selectOption("Key Vault Administrator");
    await page.getByRole("button", { name: "Assign" }).click();
    expect(await noticeOf(page)).toBe("Key Vault Administrator assigned.");
  });

  it("sets a secret, reveals it on request, and hides it again on navigation", async () => {
    await page.goto(vaultPath("/secrets"));
    const form = page.getByRole("group", { name: "New secret" });
    await form.getByLabel("Name").fill("db-password");
    await form.getByLabel("Value").fill("s3cr3t from the portal");
    await form.getByLabel("Tags (k=v, comma-separated)").fill("env=dev, owner=ada");
    await page.getByRole("button", { name: "Set secret" }).click();
    expect(await noticeOf(page)).toBe("New version of db-password set.");
    expect(await page.content()).not.toContain("s3cr3t from the portal");
    const [revealed] = await Promise.all([page.waitForResponse(/\/secrets\/db-password\/reveal$/), page.getByRole("button", { name: /^Reveal version/ }).first().click()]);
    // The answer to a post, never stored: the browser cannot show it again (Back) without posting again.
    expect(revealed.headers()["cache-control"]).toBe("no-store");
    expect(await page.locator("pre[data-secret]").innerText()).toBe("s3cr3t from the portal");
    await screenshot(page, "10-secret-revealed");
    await page.getByLabel("Expires (UTC, YYYY-MM-DD or ISO date-time)").fill("2031-01-02");
    await page.getByLabel("Enabled").uncheck();
    await page.getByRole("button", { name: "Save attributes" }).click();
    expect(await noticeOf(page)).toBe("Attributes saved.");
    const version = page.getByRole("table", { name: "Versions" }).getByRole("row").nth(1);
    expect(await version.innerText()).toMatch(/\bno\b[\s\S]*2031-01-02T00:00:00Z/);
    await page.goto(vaultPath("/secrets"));
    await screenshot(page, "11-secrets");
    expect(await page.content()).not.toContain("s3cr3t");
  });

  it("creates a key and signs with it (verified with the downloaded public key), sets its rotation policy and rotates it", async () => {
    await page.goto(vaultPath("/keys"));
    await page.getByRole("group", { name: "New key" }).getByLabel("Name").fill("signer");
    await page.getByLabel("Type").selectOption("EC P-256");
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await noticeOf(page)).toBe("Key signer created.");
    await page.getByLabel("Algorithm").selectOption("ES256");
    await page.getByLabel("Message (UTF-8; its digest is signed)").fill("hello from the portal");
    await page.getByRole("button", { name: "Sign", exact: true }).click();
    const signature = Buffer.from(await page.locator("pre[data-signature]").innerText(), "base64url");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download public key (PEM)" }).click()]);
    const pem = await streamText(download);
    const verify = createVerify("SHA256").update("hello from the portal");
    expect(verify.verify({ key: createPublicKey(pem), dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    await page.getByLabel("Rotate this long after creation (ISO 8601, e.g. P90D)").fill("P90D");
    await page.getByRole("button", { name: "Save rotation policy" }).click();
    expect(await noticeOf(page)).toBe("Rotation policy saved.");
    await page.getByRole("button", { name: "Rotate now" }).click();
    expect(await noticeOf(page)).toBe("Rotated: a new version is current.");
    expect(await page.getByRole("table", { name: "Versions" }).getByRole("row").count()).toBe(3);
    expect(await page.getByLabel("Rotate this long after creation (ISO 8601, e.g. P90D)").inputValue()).toBe("P90D");
    await screenshot(page, "12-key");
  });

  it("creates a self-signed certificate with the policy form and downloads it", async () => {
    await page.goto(vaultPath("/certificates"));
    const form = page.getByRole("group", { name: "New certificate" });
    await form.getByLabel("Name", { exact: true }).fill("web");
    await form.getByLabel("Subject").fill("CN=portal.example");
    await form.getByLabel("DNS names (comma-separated)").fill("portal.example");
    await page.getByRole("button", { name: "Create certificate" }).click();
    expect(await noticeOf(page)).toBe("Certificate web requested.");
    for (let i = 0; i < 20 && (await page.getByText("Pending operation: completed").count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    await screenshot(page, "13-certificate");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Certificate (PEM)" }).click()]);
    const certificate = new X509Certificate(await streamText(download));
    expect(certificate.subject).toBe("CN=portal.example");
  });

  it("downloads a pending certificate's CSR and merges the certificate a CA issued for it", async () => {
    await page.goto(vaultPath("/certificates"));
    const form = page.getByRole("group", { name: "New certificate" });
    await form.getByLabel("Name", { exact: true }).fill("issued");
    await form.getByLabel("Subject").fill("CN=issued.example");
    await form.getByLabel("Issuer").selectOption("Unknown");
    await page.getByRole("button", { name: "Create certificate" }).click();
    expect(await page.getByText("Pending operation: inProgress").count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the CSR" }).click()]);
    const chain = issueWithTestCa(await streamText(download));
    await page.getByLabel("Certificate chain (PEM, leaf first)").fill(chain);
    await page.getByRole("button", { name: "Merge" }).click();
    expect(await noticeOf(page)).toBe("Merged: the certificate is issued.");
    expect(await page.getByText("Pending operation: completed").count()).toBe(1);
  });

  it("subscribes a webhook to the vault's events", async () => {
    await page.goto(vaultPath("/events"));
    const form = page.getByRole("group", { name: "New subscription" });
    await form.getByLabel("Name", { exact: true }).fill("to-ci");
    await form.getByLabel("Webhook URL (https)").fill("https://hooks.example.com/vault");
    await page.getByRole("button", { name: "Subscribe" }).click();
    expect(await noticeOf(page)).toBe("Subscription to-ci saved.");
    expect(await page.getByRole("table", { name: "Subscriptions" }).getByRole("cell", { name: "https://hooks.example.com" }).count()).toBe(1);
    await screenshot(page, "15-events");
  });

  it("charts the vault's use of its throttle limits per window from the usage API, with a table alternative", async () => {
    await page.goto(vaultPath("/throttling"));
    const charts = page.getByRole("img", { name: /peak \d+ of \d+ per window/ });
    expect(await charts.count()).toBe(4);
    expect(await page.getByRole("img", { name: /^secretCreate: peak [1-9]\d* of 300 per window/ }).count()).toBe(1);
    await page.getByText("Windows with any use, as a table").click();
    const table = page.getByRole("table", { name: /Units admitted per window/ });
    expect(await table.getByRole("row").count()).toBeGreaterThan(1);
    await screenshot(page, "16-throttling");
  });

  it("pages the vault's audit log by its Next page link and shows each action in it", async () => {
    const { text, pages } = await everyPage(page, vaultPath("/audit"));
    // Every portal page is a request of the data plane: far more than one page of 25 records by now.
    expect(pages).toBeGreaterThan(1);
    for (const operation of ["SecretSet", "SecretGet", "KeyCreate", "KeySign", "CertificateCreate"]) expect(text).toContain(operation);
    expect(text).toContain(userId);
    await page.goto(vaultPath("/audit"));
    await screenshot(page, "14-vault-audit");
    // The tenant's control-plane log, filtered to this person (other suites share the tenant): the filter stays on every page.
    const control = await everyPage(page, portalUrl(facts, `/t/${facts.tenantId}/audit?caller=${userId}`));
    for (const operation of ["SignIn", "VaultPut", "RoleAssignmentPut"]) expect(control.text).toContain(operation);
  });

  it("tails the audit log live: a new request appears without a reload", async () => {
    await page.goto(vaultPath("/audit"));
    const rows = page.locator("tbody tr");
    const before = await rows.count();
    await page.getByRole("button", { name: "Start live tail" }).click();
    // Another request of the same person (the portal's secret list is a SecretList on the data plane).
    expect((await page.request.get(vaultPath("/secrets"))).status()).toBe(200);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(before);
    expect(await page.getByRole("button", { name: "Stop live tail" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("signs out: the session is gone and pages need a sign-in again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(portalUrl(facts, "/signin"));
    expect(await noticeOf(page)).toBe("Signed out.");
    await page.goto(vaultPath("/secrets"));
    expect(page.url()).toBe(portalUrl(facts, "/signin"));
  });
});

/** Signs a CSR with a throw-away CA (openssl, as x509-openssl.test.ts): the leaf PEM. */
function issueWithTestCa(csr: string): string {
  const dir = mkdtempSync(join(tmpdir(), "portal-ca-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  writeFileSync(join(dir, "leaf.csr"), csr);
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Portal Test CA", "-days", "2");
  run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "1");
  return readFileSync(join(dir, "leaf.pem"), "utf8");
}

async function streamText(download: import("playwright-core").Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
