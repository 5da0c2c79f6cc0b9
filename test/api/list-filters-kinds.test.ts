/**
 * Filters on lists (docs/edge-reads.md) on keys and certificates, live and deleted, and on certificates' includePending.
 * The filter rules themselves (case, paging, token binding, bad input) are in list-filters.test.ts.
 */
import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { allPages, expectError, getAbsolute, type ListResult } from "../support/secrets.ts";

type Item = { id?: string; kid?: string; tags?: Record<string, string> };

/** The name in an item's id (`/keys/{name}`, `/certificates/{name}`, `/deletedkeys/{name}`…) or a key item's kid. */
const nameOfItem = (item: Item): string => new URL(item.kid ?? item.id ?? "").pathname.split("/")[2] ?? "";

async function listed(kv: VaultClient, path: string): Promise<string[]> {
  const res = await kv.json<ListResult<Item>>("GET", path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.nextLink, "one page expected").toBeNull();
  return res.body.value.map(nameOfItem);
}

const tagged = (name: string, value: string) => `edge-tag-name=${encodeURIComponent(name)}&edge-tag-value=${encodeURIComponent(value)}`;

async function createKey(kv: VaultClient, name: string, tags?: Record<string, string>): Promise<{ key: { kid: string } }> {
  const res = await kv.json<{ key: { kid: string } }>("POST", `/keys/${name}/create`, { kty: "EC", crv: "P-256", ...(tags === undefined ? {} : { tags }) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const EC_SELF = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=filters.example", validity_months: 12 }, issuer: { name: "Self" } };
const EC_UNKNOWN = { ...EC_SELF, issuer: { name: "Unknown" } };

async function createCertificate(kv: VaultClient, name: string, policy: object, tags?: Record<string, string>): Promise<void> {
  const res = await kv.json("POST", `/certificates/${name}/create`, { policy, ...(tags === undefined ? {} : { tags }) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

describe("filters on keys", () => {
  it("prefix and tag, alone and combined, paged; the index follows new versions and updates; deleted keys filter too", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("lfkey"));
    for (let i = 0; i < 5; i++) await createKey(kv, `sign-${i}`, { use: "jwt" });
    await createKey(kv, "Sign-X", { use: "tls" });
    await createKey(kv, "wrap-1", { use: "jwt" });
    await createKey(kv, "plain");

    const pages = await allPages<Item>(kv, token, `/keys?edge-prefix=sign&${tagged("use", "jwt")}&maxresults=2`);
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.value.map(nameOfItem))).toEqual(["sign-0", "sign-1", "sign-2", "sign-3", "sign-4"]);
    const next = new URL(pages[0]?.nextLink as string);
    expect(next.pathname).toBe("/keys");
    expect([next.searchParams.get("edge-prefix"), next.searchParams.get("edge-tag-name"), next.searchParams.get("edge-tag-value")]).toEqual(["sign", "use", "jwt"]);
    expect(await listed(kv, "/keys?edge-prefix=SIGN-x")).toEqual(["Sign-X"]);
    expect(await listed(kv, `/keys?${tagged("use", "jwt")}`)).toEqual(["sign-0", "sign-1", "sign-2", "sign-3", "sign-4", "wrap-1"]);

    // A new version (create again) with other tags, then an update of the latest version's tags.
    await createKey(kv, "sign-0", { use: "tls" });
    expect(await listed(kv, `/keys?${tagged("use", "tls")}`)).toEqual(["sign-0", "Sign-X"]);
    expect((await kv.json("PATCH", "/keys/sign-1/", { tags: { use: "tls" } })).status).toBe(200);
    expect(await listed(kv, `/keys?${tagged("use", "tls")}`)).toEqual(["sign-0", "sign-1", "Sign-X"]);
    expect(await listed(kv, `/keys?edge-prefix=sign&${tagged("use", "jwt")}`)).toEqual(["sign-2", "sign-3", "sign-4"]);

    expect((await kv.json("DELETE", "/keys/sign-2")).status).toBe(200);
    expect(await listed(kv, `/deletedkeys?${tagged("use", "jwt")}`)).toEqual(["sign-2"]);
    expect(await listed(kv, "/deletedkeys?edge-prefix=sign")).toEqual(["sign-2"]);
    expect(await listed(kv, `/keys?edge-prefix=sign&${tagged("use", "jwt")}`)).toEqual(["sign-3", "sign-4"]);
    expectError(await kv.json("GET", "/keys?edge-prefix=a.b"), 400, "BadParameter");
    expectError(await kv.json("GET", "/keys/sign-3/versions?edge-tag-name=a&edge-tag-value=b"), 400, "BadParameter");
  });
});

describe("filters on certificates", () => {
  it("prefix and tag on live and deleted certificates, with includePending, paged with every parameter kept", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("lfcer"));
    for (const name of ["web-a", "web-b", "web-c"]) await createCertificate(kv, name, EC_SELF, { tier: "edge" });
    await createCertificate(kv, "api", EC_SELF, { tier: "edge" });
    await createCertificate(kv, "web-d", EC_SELF, { tier: "core" });
    // Waiting for a merge: no version yet, so listed only with includePending, and it has no tags to match.
    await createCertificate(kv, "web-pending", EC_UNKNOWN, { tier: "edge" });
    await createCertificate(kv, "web", EC_UNKNOWN);
    await createCertificate(kv, "other-pending", EC_UNKNOWN);

    expect(await listed(kv, "/certificates?edge-prefix=web")).toEqual(["web-a", "web-b", "web-c", "web-d"]);
    expect(await listed(kv, "/certificates?edge-prefix=WEB&includePending=true")).toEqual(["web", "web-a", "web-b", "web-c", "web-d", "web-pending"]);
    expect(await listed(kv, "/certificates?edge-prefix=web-&includePending=true")).toEqual(["web-a", "web-b", "web-c", "web-d", "web-pending"]);
    expect(await listed(kv, "/certificates?edge-prefix=other&includePending=true")).toEqual(["other-pending"]);
    expect(await listed(kv, `/certificates?${tagged("tier", "edge")}`)).toEqual(["api", "web-a", "web-b", "web-c"]);
    expect(await listed(kv, `/certificates?${tagged("tier", "edge")}&includePending=true`)).toEqual(["api", "web-a", "web-b", "web-c"]);

    // Paged with includePending and a prefix: pending and live names interleave in one name order.
    const pages = await allPages<Item>(kv, token, "/certificates?edge-prefix=web&includePending=true&maxresults=2");
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 2]);
    expect(pages.flatMap((p) => p.value.map(nameOfItem))).toEqual(["web", "web-a", "web-b", "web-c", "web-d", "web-pending"]);
    for (const page of pages.slice(0, -1)) {
      const next = new URL(page.nextLink as string);
      expect([next.searchParams.get("edge-prefix"), next.searchParams.get("includePending"), next.searchParams.get("maxresults")]).toEqual(["web", "true", "2"]);
    }
    // Its token does not continue the list without the filter.
    const skip = new URL(pages[0]?.nextLink as string).searchParams.get("$skiptoken") as string;
    expectError(await kv.json("GET", `/certificates?includePending=true&maxresults=2&$skiptoken=${encodeURIComponent(skip)}`), 400, "BadParameter");
    expect((await getAbsolute<ListResult<Item>>(pages[0]?.nextLink as string, token)).status).toBe(200);

    // An update of the latest version's tags moves it in the index; deleted certificates filter too.
    expect((await kv.json("PATCH", "/certificates/web-d", { tags: { tier: "edge" } })).status).toBe(200);
    expect(await listed(kv, `/certificates?edge-prefix=web&${tagged("tier", "edge")}`)).toEqual(["web-a", "web-b", "web-c", "web-d"]);
    expect(await listed(kv, `/certificates?${tagged("tier", "core")}`)).toEqual([]);
    expect((await kv.json("DELETE", "/certificates/web-b")).status).toBe(200);
    expect(await listed(kv, `/deletedcertificates?${tagged("tier", "edge")}`)).toEqual(["web-b"]);
    expect(await listed(kv, "/deletedcertificates?edge-prefix=api")).toEqual([]);
    expect(await listed(kv, `/certificates?edge-prefix=web&${tagged("tier", "edge")}`)).toEqual(["web-a", "web-c", "web-d"]);
  });
});
