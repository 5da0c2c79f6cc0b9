import { describe, expect, it } from "vitest";
import { setupVault, vaultClient, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import {
  allPages,
  expectError,
  getAbsolute,
  nameOf,
  setSecret,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

async function seed(kv: VaultClient, count: number, prefix = "s"): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${String(i).padStart(2, "0")}`;
    await setSecret(kv, name, { value: `value-${i}` });
    names.push(name);
  }
  return names;
}

function expectNextLink(nextLink: string | null, base: string, path: string, apiVersion: string, maxResults: number): URL {
  expect(nextLink).not.toBeNull();
  const url = new URL(nextLink as string);
  expect(url.origin).toBe(base);
  expect(url.pathname).toBe(path);
  expect(url.searchParams.get("api-version")).toBe(apiVersion);
  expect(url.searchParams.get("$skiptoken")).toMatch(/.+/);
  expect(url.searchParams.get("maxresults")).toBe(String(maxResults));
  return url;
}

describe("list secrets paging", () => {
  it("30 secrets: a default page of 25 with an absolute nextLink, then the last 5 with nextLink null", async () => {
    const vault = uniqueVaultName("page");
    const { kv, token } = await setupVault(vault);
    const names = await seed(kv, 30);

    const first = await kv.json<ListResult>("GET", "/secrets");
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(25);
    expectNextLink(first.body.nextLink, kv.baseUrl, "/secrets", "2025-07-01", 25);

    const second = await getAbsolute<ListResult>(first.body.nextLink as string, token);
    expect(second.status).toBe(200);
    expect(second.body.value).toHaveLength(5);
    expect(second.body.nextLink).toBeNull();

    const seen = [...first.body.value, ...second.body.value].map((i) => nameOf(i.id));
    expect(new Set(seen).size).toBe(30);
    expect([...seen].sort()).toEqual(names);
    for (const item of [...first.body.value, ...second.body.value]) expect(item).not.toHaveProperty("value");
  });

  it("maxresults=5 pages through 30 secrets in 6 pages of 5, each nextLink carrying maxresults=5", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("page"));
    const names = await seed(kv, 30);
    const pages = await allPages<SecretBundle>(kv, token, "/secrets?maxresults=5");
    expect(pages.map((p) => p.value.length)).toEqual([5, 5, 5, 5, 5, 5]);
    for (const page of pages.slice(0, -1)) expectNextLink(page.nextLink, kv.baseUrl, "/secrets", "2025-07-01", 5);
    expect(pages[pages.length - 1]?.nextLink).toBeNull();
    const seen = pages.flatMap((p) => p.value.map((i) => nameOf(i.id)));
    expect(seen).toHaveLength(30);
    expect([...seen].sort()).toEqual(names);
  });

  it("exactly 25 secrets fit one page: nextLink null", async () => {
    const { kv } = await setupVault(uniqueVaultName("page"));
    await seed(kv, 25);
    const res = await kv.json<ListResult>("GET", "/secrets");
    expect(res.body.value).toHaveLength(25);
    expect(res.body.nextLink).toBeNull();
  });

  it("the nextLink echoes the api-version the client used", async () => {
    const vault = uniqueVaultName("page");
    const { kv, token } = await setupVault(vault);
    await seed(kv, 3);
    const old = vaultClient(vault, token, "7.4");
    const res = await old.json<ListResult>("GET", "/secrets?maxresults=2");
    expect(res.status).toBe(200);
    expectNextLink(res.body.nextLink, kv.baseUrl, "/secrets", "7.4", 2);
  });

  it("soft-deleted secrets are not listed among live ones", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("page"));
    const names = await seed(kv, 12);
    for (const name of names.filter((_, i) => i % 3 === 0)) expect((await kv.json("DELETE", `/secrets/${name}`)).status).toBe(200);
    const pages = await allPages<SecretBundle>(kv, token, "/secrets?maxresults=3");
    const seen = pages.flatMap((p) => p.value.map((i) => nameOf(i.id)));
    expect(seen.sort()).toEqual(names.filter((_, i) => i % 3 !== 0));
  });
});

describe("list versions paging", () => {
  it("30 versions: 25 + 5, every version exactly once, nextLink on /secrets/{name}/versions", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("page"));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await setSecret(kv, "many", { value: `v${i}` })).id);

    const first = await kv.json<ListResult>("GET", "/secrets/many/versions");
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(25);
    expectNextLink(first.body.nextLink, kv.baseUrl, "/secrets/many/versions", "2025-07-01", 25);

    const pages = await allPages<SecretBundle>(kv, token, "/secrets/many/versions");
    expect(pages.map((p) => p.value.length)).toEqual([25, 5]);
    const seen = pages.flatMap((p) => p.value.map((i) => i.id));
    expect(new Set(seen).size).toBe(30);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it("maxresults=7 on versions", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("page"));
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await setSecret(kv, "seven", { value: `v${i}` })).id);
    const pages = await allPages<SecretBundle>(kv, token, "/secrets/seven/versions?maxresults=7");
    expect(pages.map((p) => p.value.length)).toEqual([7, 7, 1]);
    expect(pages.flatMap((p) => p.value.map((i) => i.id)).sort()).toEqual([...ids].sort());
  });
});

describe("list deleted secrets paging", () => {
  it("pages deleted secrets with maxresults and nextLink on /deletedsecrets", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("page"));
    const names = await seed(kv, 11, "d");
    for (const name of names) expect((await kv.json("DELETE", `/secrets/${name}`)).status).toBe(200);
    const first = await kv.json<ListResult>("GET", "/deletedsecrets?maxresults=5");
    expectNextLink(first.body.nextLink, kv.baseUrl, "/deletedsecrets", "2025-07-01", 5);
    const pages = await allPages<SecretBundle>(kv, token, "/deletedsecrets?maxresults=5");
    expect(pages.map((p) => p.value.length)).toEqual([5, 5, 1]);
    expect(pages.flatMap((p) => p.value.map((i) => nameOf(i.id))).sort()).toEqual(names);
  });
});

describe("paging parameters", () => {
  for (const path of ["/secrets", "/secrets/p/versions", "/deletedsecrets"]) {
    it(`maxresults 0, 26, abc, -1, 2.5 on ${path} -> 400 BadParameter`, async () => {
      const { kv } = await setupVault(uniqueVaultName("page"));
      await setSecret(kv, "p", { value: "v" });
      for (const bad of ["0", "26", "abc", "-1", "2.5"]) {
        const res = await kv.json("GET", `${path}?maxresults=${bad}`);
        expect(res.status, `maxresults=${bad}`).toBe(400);
        expectError(res, 400, "BadParameter");
      }
    });

    it(`a garbage $skiptoken on ${path} -> 400 BadParameter`, async () => {
      const { kv } = await setupVault(uniqueVaultName("page"));
      await setSecret(kv, "p", { value: "v" });
      for (const token of ["garbage", "%%%", "bm90LWpzb24", "eyJ4IjoxfQ", "!!!!"]) {
        expectError(await kv.json("GET", `${path}?$skiptoken=${encodeURIComponent(token)}`), 400, "BadParameter");
      }
    });
  }

  it("maxresults=1 and maxresults=25 are accepted", async () => {
    const { kv } = await setupVault(uniqueVaultName("page"));
    await seed(kv, 2);
    const one = await kv.json<ListResult>("GET", "/secrets?maxresults=1");
    expect(one.status).toBe(200);
    expect(one.body.value).toHaveLength(1);
    const max = await kv.json<ListResult>("GET", "/secrets?maxresults=25");
    expect(max.status).toBe(200);
    expect(max.body.value).toHaveLength(2);
  });

  it("a versions-list token is not accepted by the names list", async () => {
    const { kv } = await setupVault(uniqueVaultName("page"));
    for (let i = 0; i < 3; i++) await setSecret(kv, "x", { value: `${i}` });
    const versions = await kv.json<ListResult>("GET", "/secrets/x/versions?maxresults=1");
    const skip = new URL(versions.body.nextLink as string).searchParams.get("$skiptoken") as string;
    expectError(await kv.json("GET", `/secrets?$skiptoken=${encodeURIComponent(skip)}`), 400, "BadParameter");
  });
});
