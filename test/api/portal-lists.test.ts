/**
 * The portal's lists over raw HTTP (docs/portal.md "Lists"): they follow the APIs' nextLink with a server-rendered
 * "Next page" link that carries only the continuation token beside the list's filter; a page parameter that is no
 * token, or a token the vault did not issue for that list, shows nothing of it; and the throttling view draws the
 * admin API's usage report.
 */
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, assignRole, uniqueVaultName } from "../support/fixture.ts";
import { Browser, PORTAL, signInPerson } from "../support/portal-http.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { newTenantWithVault } from "../support/secrets.ts";
import { createUser } from "../support/sign-in.ts";
import { nextPageToken } from "../../worker/portal/list-pages.tsx";
import type { ApiAnswer } from "../../worker/portal/upstream.ts";

failOnlyOnTrulyUnhandledRejections();

const decode = (html: string): string => html.replace(/&amp;/g, "&");

/** The first cells of the rows of the table captioned `caption`. */
function firstCells(html: string, caption: string): string[] {
  const table = new RegExp(`<caption>${caption}</caption>[\\s\\S]*?</table>`).exec(html)?.[0] ?? "";
  return [...table.matchAll(/<tr><td[^>]*>(?:<a [^>]*>)?([^<]*)/g)].map((m) => m[1] ?? "");
}

const nextHref = (html: string): string | null => {
  const href = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(html)?.[1];
  return href === undefined ? null : decode(href);
};

async function html(browser: Browser, pathAndQuery: string): Promise<string> {
  // The portal's own links are absolute paths (`/portal/…`); the tests' are under it.
  const response = await browser.fetch(pathAndQuery.startsWith("/portal/") ? `${ISSUER_ORIGIN}${pathAndQuery}` : `${PORTAL}${pathAndQuery}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** A vault with 30 secrets `s-00`…`s-29` and `other`, and a tenant admin who holds Key Vault Administrator on it. */
async function personWithSecrets(): Promise<{ browser: Browser; base: string; tenantId: string; vault: string }> {
  const vault = uniqueVaultName("pl");
  const { tenantId, kv } = await newTenantWithVault(vault);
  const names = [...Array.from({ length: 30 }, (_, i) => `s-${String(i).padStart(2, "0")}`), "other"];
  for (const name of names) expect((await kv.json("PUT", `/secrets/${name}`, { value: name })).status).toBe(200);
  const user = await createUser(tenantId, "pat@example.com", { tenantAdmin: true });
  await assignRole(tenantId, vault, user.id, "Key Vault Administrator");
  const browser = new Browser();
  await signInPerson(browser, tenantId, user.userPrincipalName);
  return { browser, base: `/t/${tenantId}/vaults/${vault}`, tenantId, vault };
}

describe("the portal's lists", () => {
  it("page through the vault's nextLink, 25 at a time, the name filter kept on every page", async () => {
    const { browser, base } = await personWithSecrets();
    const first = await html(browser, `${base}/secrets`);
    expect(firstCells(first, "Secrets")).toHaveLength(25);
    const next = nextHref(first) ?? "";
    expect(next).toMatch(new RegExp(`^/portal${base}/secrets\\?page=[A-Za-z0-9_-]+$`));
    const second = await html(browser, next);
    // Names in order: "other" first, so the second page starts at s-24.
    expect(firstCells(second, "Secrets")).toStrictEqual(["s-24", "s-25", "s-26", "s-27", "s-28", "s-29"]);
    expect(nextHref(second)).toBeNull();
    expect(second).toContain(`<a href="/portal${base}/secrets">First page</a>`);

    const filtered = await html(browser, `${base}/secrets?filter=s-2`);
    expect(firstCells(filtered, "Secrets")).toStrictEqual(Array.from({ length: 10 }, (_, i) => `s-2${i}`));
    expect(nextHref(filtered)).toBeNull();
    const sByFive = await html(browser, `${base}/secrets?filter=s-`);
    const filteredNext = nextHref(sByFive) ?? "";
    expect(new URL(filteredNext, PORTAL).searchParams.get("filter")).toBe("s-");
    expect(firstCells(await html(browser, filteredNext), "Secrets")).toStrictEqual(["s-25", "s-26", "s-27", "s-28", "s-29"]);
  });

  it("refuses a page parameter that is no continuation token, and shows nothing for a token of another list", async () => {
    const { browser, base } = await personWithSecrets();
    for (const page of ["https://evil.example/secrets", "..%2F..%2Fkeys", ""]) {
      expect((await browser.fetch(`${PORTAL}${base}/secrets?page=${encodeURIComponent(page)}`)).status).toBe(400);
    }
    expect((await browser.fetch(`${PORTAL}${base}/secrets?page=abc&page=def`)).status).toBe(400);
    // A token of the unfiltered list, offered with a filter: the vault bound it to its list and refuses it.
    const token = new URL(nextHref(await html(browser, `${base}/secrets`)) ?? "", PORTAL).searchParams.get("page") ?? "";
    const foreign = await html(browser, `${base}/secrets?filter=s-&page=${token}`);
    expect(foreign).toContain("The skip token is not valid.");
    expect(firstCells(foreign, "Secrets")).toStrictEqual(["None yet."]);
  });

  it("take a continuation only from a nextLink to the origin and path they called", () => {
    const answer = (nextLink: unknown): ApiAnswer => ({ ok: true, status: 200, body: { value: [], nextLink }, headers: new Headers(), url: "https://v.vault.localhost:8443/secrets?api-version=7.6", message: "" });
    expect(nextPageToken(answer("https://v.vault.localhost:8443/secrets?api-version=7.6&$skiptoken=abc_-9&maxresults=25"))).toBe("abc_-9");
    for (const link of ["https://evil.example/secrets?$skiptoken=abc", "https://w.vault.localhost:8443/secrets?$skiptoken=abc", "https://v.vault.localhost:8443/keys?$skiptoken=abc", "https://v.vault.localhost:8443/secrets?$skiptoken=a%2Fb", "/secrets?$skiptoken=abc", null]) {
      expect(nextPageToken(answer(link))).toBeNull();
    }
  });

  it("page the audit log with its filters kept", async () => {
    const { browser, base } = await personWithSecrets();
    const first = await html(browser, `${base}/audit?operation=SecretSet`);
    const next = nextHref(first) ?? "";
    const query = new URL(next, PORTAL).searchParams;
    expect(query.get("operation")).toBe("SecretSet");
    expect(query.get("page")).toMatch(/^[A-Za-z0-9_-]+$/);
    const rows = (page: string) => [...page.matchAll(/<tr data-id="[^"]*"><td>[^<]*<\/td><td>([^<]*)/g)].map((m) => m[1]);
    expect(rows(first)).toStrictEqual(new Array(25).fill("SecretSet"));
    expect(rows(await html(browser, next))).toStrictEqual(new Array(6).fill("SecretSet"));
  });
});

describe("the portal's throttling view", () => {
  it("charts the usage report per bucket, with its numbers as a table", async () => {
    const { browser, base } = await personWithSecrets();
    const page = await html(browser, `${base}/throttling`);
    // The 31 secrets were set in this window or the one before (the test does not hold the clock here).
    const peak = /aria-label="secretCreate: peak (\d+) of 300 per window/.exec(page)?.[1];
    expect(Number(peak)).toBeGreaterThan(0);
    expect([...page.matchAll(/<svg class="chart" role="img"/g)]).toHaveLength(4);
    expect(page).toContain("<th scope=\"col\">secretCreate (limit 300)</th>");
  });

  it("shows a person who is no tenant admin the admin API's refusal, and no chart", async () => {
    const { tenantId, vault } = await personWithSecrets();
    const member = await createUser(tenantId, "sam@example.com");
    await assignRole(tenantId, vault, member.id, "Key Vault Reader");
    const browser = new Browser();
    await signInPerson(browser, tenantId, member.userPrincipalName);
    const page = await html(browser, `/t/${tenantId}/vaults/${vault}/throttling`);
    expect(page).toContain("A valid operator key or tenant-admin token is required.");
    expect(page).not.toContain("<svg");
  });
});
