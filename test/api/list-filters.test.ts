/**
 * Filters on lists (docs/edge-reads.md, issue 20): `edge-prefix`, `edge-tag-name` + `edge-tag-value` on the lists of
 * names, served from indexes, paged as usual with the filter kept in nextLink and bound into the continuation token.
 * Secrets here; keys and certificates in list-filters-kinds.test.ts; the index itself in test/do/object-tag-index.test.ts.
 */
import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { allPages, expectError, getAbsolute, nameOf, setSecret, setVaultClock, versionOf, type ListResult, type SecretBundle } from "../support/secrets.ts";

const names = (pages: readonly ListResult[]): string[] => pages.flatMap((p) => p.value.map((i) => nameOf(i.id)));

async function listed(kv: VaultClient, path: string): Promise<string[]> {
  const res = await kv.json<ListResult>("GET", path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.nextLink, "one page expected").toBeNull();
  return res.body.value.map((i) => nameOf(i.id));
}

const tagged = (name: string, value: string) => `edge-tag-name=${encodeURIComponent(name)}&edge-tag-value=${encodeURIComponent(value)}`;

describe("edge-prefix on GET /secrets", () => {
  it("lists the names starting with the prefix, case-insensitively, in name order, across pages that keep the filter", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("lfp"));
    const matching = ["app-01", "App-02", "app-03", "APP-04", "app-05", "app-06", "app-07"];
    for (const name of [...matching, "ap", "apple", "b-app", "zz", "aPp"]) await setSecret(kv, name, { value: "v" });

    const pages = await allPages<SecretBundle>(kv, token, "/secrets?edge-prefix=APP-&maxresults=2");
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 2, 1]);
    // Names keep their case in answers; order and matching are on the lower-cased name.
    expect(names(pages)).toEqual(matching);
    for (const page of pages.slice(0, -1)) {
      const next = new URL(page.nextLink as string);
      expect(next.pathname).toBe("/secrets");
      expect(next.searchParams.get("edge-prefix")).toBe("app-");
      expect(next.searchParams.get("maxresults")).toBe("2");
      expect(next.searchParams.get("api-version")).toBe("2025-07-01");
      expect(next.searchParams.get("edge-tag-name")).toBeNull();
    }
    // A name equal to the prefix is included; a name containing it elsewhere is not.
    expect(await listed(kv, "/secrets?edge-prefix=ap")).toEqual(["ap", "aPp", ...matching, "apple"]);
    expect(await listed(kv, "/secrets?edge-prefix=zzz")).toEqual([]);
    expect(await listed(kv, "/secrets?edge-prefix=z")).toEqual(["zz"]);
  });
});

describe("edge-tag-name and edge-tag-value on GET /secrets", () => {
  it("match the latest version's tag exactly (names and values case-sensitive), alone or with a prefix, across pages", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("lft"));
    const prod: string[] = [];
    for (let i = 0; i < 7; i++) {
      const name = `svc-${i}`;
      await setSecret(kv, name, { value: "v", tags: { env: "prod", idx: String(i) } });
      prod.push(name);
    }
    await setSecret(kv, "api-prod", { value: "v", tags: { env: "prod" } });
    await setSecret(kv, "case-value", { value: "v", tags: { env: "Prod" } });
    await setSecret(kv, "case-name", { value: "v", tags: { Env: "prod" } });
    await setSecret(kv, "dev", { value: "v", tags: { env: "dev" } });
    await setSecret(kv, "untagged", { value: "v" });
    await setSecret(kv, "empty", { value: "v", tags: { env: "" } });
    await setSecret(kv, "odd", { value: "v", tags: { "a:b=c|d": "x y+z&w" } });

    const pages = await allPages<SecretBundle>(kv, token, `/secrets?${tagged("env", "prod")}&maxresults=3`);
    expect(pages.map((p) => p.value.length)).toEqual([3, 3, 2]);
    expect(names(pages)).toEqual(["api-prod", ...prod]);
    for (const page of pages.slice(0, -1)) {
      const next = new URL(page.nextLink as string);
      expect([next.searchParams.get("edge-tag-name"), next.searchParams.get("edge-tag-value")]).toEqual(["env", "prod"]);
    }
    for (const item of pages.flatMap((p) => p.value)) expect(item.tags?.env).toBe("prod");

    expect(await listed(kv, `/secrets?${tagged("env", "Prod")}`)).toEqual(["case-value"]);
    expect(await listed(kv, `/secrets?${tagged("Env", "prod")}`)).toEqual(["case-name"]);
    expect(await listed(kv, `/secrets?${tagged("env", "")}`)).toEqual(["empty"]);
    expect(await listed(kv, `/secrets?${tagged("a:b=c|d", "x y+z&w")}`)).toEqual(["odd"]);
    expect(await listed(kv, `/secrets?${tagged("env", "nowhere")}`)).toEqual([]);

    // Combined with a prefix: both must hold, and the pages keep both.
    const both = await allPages<SecretBundle>(kv, token, `/secrets?edge-prefix=SVC-&${tagged("env", "prod")}&maxresults=4`);
    expect(both.map((p) => p.value.length)).toEqual([4, 3]);
    expect(names(both)).toEqual(prod);
    const next = new URL(both[0]?.nextLink as string);
    expect([next.searchParams.get("edge-prefix"), next.searchParams.get("edge-tag-name"), next.searchParams.get("edge-tag-value")]).toEqual(["svc-", "env", "prod"]);
    expect(await listed(kv, `/secrets?edge-prefix=api&${tagged("env", "dev")}`)).toEqual([]);

    // The odd tag round-trips through a nextLink too.
    const oddPages = await allPages<SecretBundle>(kv, token, `/secrets?${tagged("a:b=c|d", "x y+z&w")}&maxresults=1`);
    expect(names(oddPages)).toEqual(["odd"]);
  });
});

describe("continuation tokens of filtered lists", () => {
  it("open only under the filter that issued them: another filter, or none, is 400 BadParameter", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("lfk"));
    for (const name of ["a1", "a2", "a3", "b1", "b2", "b3"]) await setSecret(kv, name, { value: "v", tags: { g: name[0] as string } });
    const first = await kv.json<ListResult>("GET", "/secrets?edge-prefix=a&maxresults=1");
    const skip = new URL(first.body.nextLink as string).searchParams.get("$skiptoken") as string;
    const withToken = (query: string) => `/secrets?maxresults=1&$skiptoken=${encodeURIComponent(skip)}${query}`;

    expect((await kv.json<ListResult>("GET", withToken("&edge-prefix=a"))).status).toBe(200);
    expect((await kv.json<ListResult>("GET", withToken("&edge-prefix=A"))).status).toBe(200);
    for (const other of ["", "&edge-prefix=b", "&edge-prefix=a1", `&edge-prefix=a&${tagged("g", "a")}`, `&${tagged("g", "a")}`]) {
      const res = await kv.json("GET", withToken(other));
      expect(expectError(res, 400, "BadParameter").message, other).toBe("The skip token is not valid.");
    }

    // The other way round: an unfiltered list's token does not continue a filtered one, nor one tag another.
    const plain = await kv.json<ListResult>("GET", "/secrets?maxresults=1");
    const plainSkip = new URL(plain.body.nextLink as string).searchParams.get("$skiptoken") as string;
    expectError(await kv.json("GET", `/secrets?edge-prefix=a&$skiptoken=${encodeURIComponent(plainSkip)}`), 400, "BadParameter");
    const byTag = await kv.json<ListResult>("GET", `/secrets?${tagged("g", "a")}&maxresults=1`);
    const tagSkip = new URL(byTag.body.nextLink as string).searchParams.get("$skiptoken") as string;
    expectError(await kv.json("GET", `/secrets?${tagged("g", "b")}&$skiptoken=${encodeURIComponent(tagSkip)}`), 400, "BadParameter");
    const rest = await getAbsolute<ListResult>(byTag.body.nextLink as string, token);
    expect(rest.body.value.map((i) => nameOf(i.id))).toEqual(["a2"]);
  });
});

describe("bad filters", () => {
  const cases: [string, string, string][] = [
    ["/secrets?edge-prefix=", "edge-prefix", "empty prefix"],
    ["/secrets?edge-prefix=a_b", "edge-prefix", "a character no name has"],
    ["/secrets?edge-prefix=%C3%A9", "edge-prefix", "non-ASCII"],
    [`/secrets?edge-prefix=${"a".repeat(128)}`, "edge-prefix", "longer than a name"],
    ["/secrets?edge-prefix=a&edge-prefix=b", "edge-prefix", "repeated"],
    ["/secrets?edge-tag-name=env", "edge-tag-value", "a tag name without its value"],
    ["/secrets?edge-tag-value=prod", "edge-tag-name", "a tag value without its name"],
    ["/secrets?edge-tag-name=&edge-tag-value=prod", "edge-tag-name", "an empty tag name"],
    [`/secrets?edge-tag-name=${"n".repeat(513)}&edge-tag-value=x`, "edge-tag-name", "a tag name too long"],
    [`/secrets?edge-tag-name=n&edge-tag-value=${"v".repeat(513)}`, "edge-tag-value", "a tag value too long"],
    ["/secrets?edge-tag-name=a&edge-tag-value=1&edge-tag-value=2", "edge-tag-value", "a repeated value"],
    ["/secrets?edge-tag=env:prod", "edge-tag", "an unknown parameter"],
    ["/secrets?Edge-Prefix=a", "Edge-Prefix", "a known name in another case"],
    ["/deletedsecrets?edge-suffix=a", "edge-suffix", "unknown, on a deleted list"],
    ["/secrets/some/versions?edge-prefix=a", "edge-prefix", "a list that takes no filter"],
    ["/certificates/issuers?edge-prefix=a", "edge-prefix", "issuers take no filter"],
  ];

  it.each(cases)("%s is 400 BadParameter naming '%s' (%s)", async (path, parameter) => {
    const { kv } = await setupVault(uniqueVaultName("lfb"));
    const error = expectError(await kv.json("GET", path), 400, "BadParameter");
    expect(error.message).toContain(`'${parameter}'`);
  });

  it("unfiltered lists and Azure's own parameters are unchanged", async () => {
    const { kv } = await setupVault(uniqueVaultName("lfb"));
    await setSecret(kv, "x", { value: "v" });
    expect(await listed(kv, "/secrets?maxresults=25&unknown=1")).toEqual(["x"]);
    expect(await listed(kv, "/secrets/x/versions?maxresults=3").then((v) => v.length)).toBe(1);
  });
});

describe("the tag index follows each name's latest version", () => {
  it("through new versions, updates, delete, recover, purge and restore", async () => {
    const { kv } = await setupVault(uniqueVaultName("lfi"));
    const prod = `/secrets?${tagged("env", "prod")}`;
    const first = await setSecret(kv, "s1", { value: "v1", tags: { env: "prod" } });
    expect(await listed(kv, prod)).toEqual(["s1"]);

    // A new version's tags replace the old version's in the index.
    const second = await setSecret(kv, "s1", { value: "v2", tags: { env: "dev" } });
    expect(await listed(kv, prod)).toEqual([]);
    expect(await listed(kv, `/secrets?${tagged("env", "dev")}`)).toEqual(["s1"]);

    // Tagging an older version changes nothing listed; tagging the latest does.
    expect((await kv.json("PATCH", `/secrets/s1/${versionOf(first.id)}`, { tags: { env: "prod", team: "old" } })).status).toBe(200);
    expect(await listed(kv, prod)).toEqual([]);
    expect(await listed(kv, `/secrets?${tagged("team", "old")}`)).toEqual([]);
    expect((await kv.json("PATCH", `/secrets/s1/${versionOf(second.id)}`, { tags: { team: "core" } })).status).toBe(200);
    const core = `?${tagged("team", "core")}`;
    expect(await listed(kv, `/secrets${core}`)).toEqual(["s1"]);
    expect(await listed(kv, `/secrets?${tagged("env", "dev")}`)).toEqual([]);
    // An update that leaves tags out keeps them (Azure's PATCH), and the index with them.
    expect((await kv.json("PATCH", `/secrets/s1/${versionOf(second.id)}`, { contentType: "text/plain" })).status).toBe(200);
    expect(await listed(kv, `/secrets${core}`)).toEqual(["s1"]);

    // Delete and recover keep the rows: the deleted list filters by tag too.
    const backup = await kv.json<{ value: string }>("POST", "/secrets/s1/backup");
    expect((await kv.json("DELETE", "/secrets/s1")).status).toBe(200);
    expect(await listed(kv, `/secrets${core}`)).toEqual([]);
    expect(await listed(kv, `/deletedsecrets${core}`)).toEqual(["s1"]);
    expect(await listed(kv, "/deletedsecrets?edge-prefix=S")).toEqual(["s1"]);
    expect(await listed(kv, "/deletedsecrets?edge-prefix=t")).toEqual([]);
    expect((await kv.json("POST", "/deletedsecrets/s1/recover")).status).toBe(200);
    expect(await listed(kv, `/secrets${core}`)).toEqual(["s1"]);
    expect(await listed(kv, `/deletedsecrets${core}`)).toEqual([]);

    // Purge removes them; restore brings back the latest version's tags.
    expect((await kv.json("DELETE", "/secrets/s1")).status).toBe(200);
    expect((await kv.json("DELETE", "/deletedsecrets/s1")).status).toBe(204);
    expect(await listed(kv, `/deletedsecrets${core}`)).toEqual([]);
    expect((await kv.json("POST", "/secrets/restore", { value: backup.body.value })).status).toBe(200);
    expect(await listed(kv, `/secrets${core}`)).toEqual(["s1"]);
    expect(await listed(kv, prod)).toEqual([]);

    // A name made again after a purge starts with its own tags only.
    expect((await kv.json("DELETE", "/secrets/s1")).status).toBe(200);
    expect((await kv.json("DELETE", "/deletedsecrets/s1")).status).toBe(204);
    await setSecret(kv, "s1", { value: "v3" });
    expect(await listed(kv, `/secrets${core}`)).toEqual([]);
    expect(await listed(kv, "/secrets?edge-prefix=s")).toEqual(["s1"]);
  });

  it("a name whose delete or recover is still in progress is in neither filtered list (an Azure-timed vault)", async () => {
    const vault = uniqueVaultName("lfl");
    const { kv } = await setupVault(vault, "Key Vault Administrator", {}, "azure");
    const t0 = Date.UTC(2031, 2, 3, 4, 5, 6);
    await setVaultClock(vault, t0);
    await setSecret(kv, "busy", { value: "v", tags: { env: "prod" } });
    await setSecret(kv, "calm", { value: "v", tags: { env: "prod" } });
    const prod = `?${tagged("env", "prod")}`;
    expect((await kv.json("DELETE", "/secrets/busy")).status).toBe(200);
    expect(await listed(kv, `/secrets${prod}`)).toEqual(["calm"]);
    expect(await listed(kv, `/deletedsecrets${prod}`)).toEqual([]);
    expect(await listed(kv, "/deletedsecrets?edge-prefix=b")).toEqual([]);
    await setVaultClock(vault, t0 + 1_000);
    expect(await listed(kv, `/deletedsecrets${prod}`)).toEqual(["busy"]);
    expect((await kv.json("POST", "/deletedsecrets/busy/recover")).status).toBe(200);
    expect(await listed(kv, `/secrets${prod}`)).toEqual(["calm"]);
    expect(await listed(kv, `/deletedsecrets${prod}`)).toEqual([]);
    await setVaultClock(vault, t0 + 2_000);
    expect(await listed(kv, `/secrets${prod}`)).toEqual(["busy", "calm"]);
  });
});
