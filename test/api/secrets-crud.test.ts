import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName } from "../support/fixture.ts";
import {
  DAY_SECONDS,
  expectError,
  setSecret,
  setVaultClock,
  versionOf,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

const VERSION_ID = /^[0-9a-f]{32}$/;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("set secret (PUT /secrets/{name})", () => {
  it("returns 200 with the SecretBundle: value, versioned id on the request host, attributes, contentType, tags", async () => {
    const vault = uniqueVaultName("crud");
    const { kv } = await setupVault(vault);
    const before = nowSeconds();
    const res = await kv.json<SecretBundle>("PUT", "/secrets/db-pass", {
      value: "s3cr3t",
      contentType: "text/plain",
      tags: { env: "prod", owner: "team-a" },
    });
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.value).toBe("s3cr3t");
    expect(b.id).toMatch(new RegExp(`^https://${vault}\\.vault\\.localhost:8443/secrets/db-pass/[0-9a-f]{32}$`));
    expect(b.contentType).toBe("text/plain");
    expect(b.tags).toEqual({ env: "prod", owner: "team-a" });
    expect(b.attributes.enabled).toBe(true);
    expect(b.attributes.created).toBeGreaterThanOrEqual(before - 5);
    expect(b.attributes.created).toBeLessThanOrEqual(nowSeconds() + 5);
    expect(b.attributes.updated).toBe(b.attributes.created);
    expect(Number.isInteger(b.attributes.created)).toBe(true);
    // A default vault: 90 days' retention, purgeable.
    expect(b.attributes.recoverableDays).toBe(90);
    expect(b.attributes.recoveryLevel).toBe("Recoverable+Purgeable");
    // Not set, so not reported.
    expect(b.attributes).not.toHaveProperty("nbf");
    expect(b.attributes).not.toHaveProperty("exp");
  });

  it("reports recoverableDays and a Customized recovery level for a 7-day vault", async () => {
    const vault = uniqueVaultName("crud");
    const { kv } = await setupVault(vault, "Key Vault Administrator", { softDeleteRetentionInDays: 7 });
    const b = await setSecret(kv, "s", { value: "v" });
    expect(b.attributes.recoverableDays).toBe(7);
    expect(b.attributes.recoveryLevel).toBe("CustomizedRecoverable+Purgeable");
  });

  it("stores nbf, exp and enabled given at creation", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const b = await setSecret(kv, "dated", { value: "v", attributes: { enabled: true, nbf: 1_700_000_000, exp: 2_000_000_000 } });
    expect(b.attributes).toMatchObject({ enabled: true, nbf: 1_700_000_000, exp: 2_000_000_000 });
    const got = await kv.json<SecretBundle>("GET", "/secrets/dated");
    expect(got.body.attributes).toMatchObject({ enabled: true, nbf: 1_700_000_000, exp: 2_000_000_000 });
  });

  it("each set creates a new version; every version keeps its own value", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const v1 = await setSecret(kv, "rot", { value: "one" });
    const v2 = await setSecret(kv, "rot", { value: "two" });
    expect(versionOf(v1.id)).toMatch(VERSION_ID);
    expect(versionOf(v2.id)).toMatch(VERSION_ID);
    expect(versionOf(v1.id)).not.toBe(versionOf(v2.id));
    const old = await kv.json<SecretBundle>("GET", `/secrets/rot/${versionOf(v1.id)}`);
    expect(old.status).toBe(200);
    expect(old.body.value).toBe("one");
    expect(old.body.id).toBe(v1.id);
  });

  it("read-only attributes sent by the client (created, updated, recoveryLevel, recoverableDays) are ignored", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const before = nowSeconds();
    const b = await setSecret(kv, "ro", {
      value: "v",
      attributes: { created: 1, updated: 2, recoveryLevel: "Purgeable", recoverableDays: 1 },
    });
    expect(b.attributes.created).toBeGreaterThanOrEqual(before - 5);
    expect(b.attributes.updated).toBe(b.attributes.created);
    expect(b.attributes.recoveryLevel).toBe("Recoverable+Purgeable");
    expect(b.attributes.recoverableDays).toBe(90);
  });

  it("concurrent sets on one name all become distinct versions", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => kv.json<SecretBundle>("PUT", "/secrets/race", { value: `v${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ids = results.map((r) => r.body.id);
    expect(new Set(ids).size).toBe(8);
    const versions = await kv.json<ListResult>("GET", "/secrets/race/versions");
    expect(versions.body.value.map((i) => i.id).sort()).toEqual([...ids].sort());
    const latest = await kv.json<SecretBundle>("GET", "/secrets/race");
    expect(ids).toContain(latest.body.id);
    expect(latest.body.value).toBe(results.find((r) => r.body.id === latest.body.id)?.body.value);
  });

  it("accepts the value exactly as given (unicode, whitespace, empty-looking JSON text)", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const value = '  line1\nline2\t€ 🔑 "quoted" {} ';
    await setSecret(kv, "odd-value", { value });
    const got = await kv.json<SecretBundle>("GET", "/secrets/odd-value");
    expect(got.body.value).toBe(value);
  });
});

describe("get secret (GET /secrets/{name}[/{version}])", () => {
  it("returns the latest version via /secrets/{name} and /secrets/{name}/ (empty version)", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    await setSecret(kv, "latest", { value: "first" });
    const second = await setSecret(kv, "latest", { value: "second", contentType: "ct" });

    for (const path of ["/secrets/latest", "/secrets/latest/"]) {
      const got = await kv.json<SecretBundle>("GET", path);
      expect(got.status, path).toBe(200);
      expect(got.body.value, path).toBe("second");
      expect(got.body.id, path).toBe(second.id);
      expect(got.body.contentType, path).toBe("ct");
      expect(got.body.attributes, path).toEqual(second.attributes);
    }
  });

  it("returns a specific version by id, and accepts the version in upper case", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const v1 = await setSecret(kv, "byver", { value: "a" });
    await setSecret(kv, "byver", { value: "b" });
    const ver = versionOf(v1.id);
    const got = await kv.json<SecretBundle>("GET", `/secrets/byver/${ver}`);
    expect(got.status).toBe(200);
    expect(got.body.value).toBe("a");
    const upper = await kv.json<SecretBundle>("GET", `/secrets/byver/${ver.toUpperCase()}`);
    expect(upper.status).toBe(200);
    expect(upper.body.value).toBe("a");
  });

  it("names are case-insensitive: a differently-cased set adds a version of the same secret", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    await setSecret(kv, "MixedCase", { value: "v1" });
    const got = await kv.json<SecretBundle>("GET", "/secrets/mixedcase");
    expect(got.status).toBe(200);
    expect(got.body.value).toBe("v1");
    await setSecret(kv, "MIXEDCASE", { value: "v2" });
    const versions = await kv.json<ListResult>("GET", "/secrets/MixedCase/versions");
    expect(versions.body.value).toHaveLength(2);
    const list = await kv.json<ListResult>("GET", "/secrets");
    expect(list.body.value).toHaveLength(1);
  });

  it("unknown secret -> 404 SecretNotFound with Azure's message", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const res = await kv.json("GET", "/secrets/nope");
    const error = expectError(res, 404, "SecretNotFound");
    expect(error.message).toBe(
      "A secret with (name/id) nope was not found in this key vault. If you recently deleted this secret you may be able " +
        "to recover it using the correct recovery command. For help resolving this issue, please see " +
        "https://go.microsoft.com/fwlink/?linkid=2125182",
    );
  });

  it("unknown version of an existing secret -> 404 SecretNotFound naming name/version", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    await setSecret(kv, "exists", { value: "v" });
    const missing = "0123456789abcdef0123456789abcdef";
    const res = await kv.json("GET", `/secrets/exists/${missing}`);
    const error = expectError(res, 404, "SecretNotFound");
    expect(error.message).toContain(`A secret with (name/id) exists/${missing} was not found in this key vault.`);
    // A version string that could never be a version is equally not found.
    expectError(await kv.json("GET", "/secrets/exists/not-a-version"), 404, "SecretNotFound");
  });

  it("a version of another secret is not found under this name", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const a = await setSecret(kv, "a", { value: "a" });
    await setSecret(kv, "b", { value: "b" });
    expectError(await kv.json("GET", `/secrets/b/${versionOf(a.id)}`), 404, "SecretNotFound");
  });

  it("nbf in the future and exp in the past do not block get (secrets' dates are informational)", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const now = nowSeconds();
    await setSecret(kv, "future", { value: "not-yet", attributes: { nbf: now + 30 * DAY_SECONDS } });
    await setSecret(kv, "expired", { value: "too-late", attributes: { exp: now - 30 * DAY_SECONDS } });
    await setSecret(kv, "both", { value: "outside", attributes: { nbf: now - 60 * DAY_SECONDS, exp: now - 30 * DAY_SECONDS } });
    for (const [name, value] of [
      ["future", "not-yet"],
      ["expired", "too-late"],
      ["both", "outside"],
    ] as const) {
      const got = await kv.json<SecretBundle>("GET", `/secrets/${name}`);
      expect(got.status, name).toBe(200);
      expect(got.body.value, name).toBe(value);
    }
  });
});

describe("disabled secrets", () => {
  it("get -> 403 Forbidden / SecretDisabled; metadata still listable; update re-enables", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const created = await setSecret(kv, "off", { value: "hidden", attributes: { enabled: false } });
    expect(created.attributes.enabled).toBe(false);

    const got = await kv.json("GET", "/secrets/off");
    const error = expectError(got, 403, "Forbidden", "SecretDisabled");
    expect(error.message).toBe("Operation get is not allowed on a disabled secret.");
    expect(JSON.stringify(got.body)).not.toContain("hidden");
    expectError(await kv.json("GET", `/secrets/off/${versionOf(created.id)}`), 403, "Forbidden", "SecretDisabled");

    const list = await kv.json<ListResult>("GET", "/secrets");
    expect(list.status).toBe(200);
    expect(list.body.value.map((i) => [i.id.endsWith("/secrets/off"), i.attributes.enabled])).toEqual([[true, false]]);
    const versions = await kv.json<ListResult>("GET", "/secrets/off/versions");
    expect(versions.body.value.map((i) => i.attributes.enabled)).toEqual([false]);

    const patched = await kv.json<SecretBundle>("PATCH", `/secrets/off/${versionOf(created.id)}`, { attributes: { enabled: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.attributes.enabled).toBe(true);
    const again = await kv.json<SecretBundle>("GET", "/secrets/off");
    expect(again.status).toBe(200);
    expect(again.body.value).toBe("hidden");
  });

  it("disabling one version leaves the others readable", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const v1 = await setSecret(kv, "mixed", { value: "one" });
    const v2 = await setSecret(kv, "mixed", { value: "two" });
    const off = await kv.json<SecretBundle>("PATCH", `/secrets/mixed/${versionOf(v1.id)}`, { attributes: { enabled: false } });
    expect(off.status).toBe(200);
    expectError(await kv.json("GET", `/secrets/mixed/${versionOf(v1.id)}`), 403, "Forbidden", "SecretDisabled");
    const latest = await kv.json<SecretBundle>("GET", "/secrets/mixed");
    expect(latest.status).toBe(200);
    expect(latest.body.id).toBe(v2.id);
  });
});

describe("update secret (PATCH /secrets/{name}/{version})", () => {
  it("updates enabled, nbf/exp, tags and contentType; no value in the response; `updated` moves, `created` stays", async () => {
    const vault = uniqueVaultName("crud");
    const { kv } = await setupVault(vault);
    const t0 = Date.UTC(2031, 0, 1, 12, 0, 0);
    await setVaultClock(vault, t0);
    const created = await setSecret(kv, "upd", { value: "keep-me", contentType: "old", tags: { a: "1" } });
    expect(created.attributes.created).toBe(t0 / 1000);

    await setVaultClock(vault, t0 + 90_000);
    const patch = {
      contentType: "application/json",
      tags: { b: "2" },
      attributes: { enabled: false, nbf: 1_900_000_000, exp: 1_950_000_000 },
    };
    const res = await kv.json<SecretBundle>("PATCH", `/secrets/upd/${versionOf(created.id)}`, patch);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("value");
    expect(res.body.id).toBe(created.id);
    expect(res.body.contentType).toBe("application/json");
    expect(res.body.tags).toEqual({ b: "2" });
    expect(res.body.attributes).toMatchObject({
      enabled: false,
      nbf: 1_900_000_000,
      exp: 1_950_000_000,
      created: t0 / 1000,
      updated: t0 / 1000 + 90,
      recoverableDays: 90,
      recoveryLevel: "Recoverable+Purgeable",
    });

    // The change is stored: re-enable and read everything back.
    const enable = await kv.json<SecretBundle>("PATCH", `/secrets/upd/${versionOf(created.id)}`, { attributes: { enabled: true } });
    expect(enable.status).toBe(200);
    const got = await kv.json<SecretBundle>("GET", "/secrets/upd");
    expect(got.status).toBe(200);
    expect(got.body.value).toBe("keep-me");
    expect(got.body.contentType).toBe("application/json");
    expect(got.body.tags).toEqual({ b: "2" });
    expect(got.body.attributes).toMatchObject({ enabled: true, nbf: 1_900_000_000, exp: 1_950_000_000, created: t0 / 1000 });
  });

  it("absent fields stay; null nbf/exp clear them", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const created = await setSecret(kv, "partial", {
      value: "v",
      contentType: "ct",
      tags: { t: "x" },
      attributes: { nbf: 1_800_000_000, exp: 1_900_000_000 },
    });
    const version = versionOf(created.id);
    const onlyTags = await kv.json<SecretBundle>("PATCH", `/secrets/partial/${version}`, { tags: { t: "y" } });
    expect(onlyTags.status).toBe(200);
    expect(onlyTags.body.contentType).toBe("ct");
    expect(onlyTags.body.attributes).toMatchObject({ enabled: true, nbf: 1_800_000_000, exp: 1_900_000_000 });

    const cleared = await kv.json<SecretBundle>("PATCH", `/secrets/partial/${version}`, { attributes: { nbf: null, exp: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.attributes).not.toHaveProperty("nbf");
    expect(cleared.body.attributes).not.toHaveProperty("exp");
    expect(cleared.body.tags).toEqual({ t: "y" });
  });

  it("the value is immutable: a PATCH carrying `value` does not change it", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const created = await setSecret(kv, "immutable", { value: "original" });
    const res = await kv.json<SecretBundle>("PATCH", `/secrets/immutable/${versionOf(created.id)}`, { value: "changed", tags: { x: "1" } });
    expect([200, 400]).toContain(res.status);
    expect(res.body).not.toHaveProperty("value");
    const got = await kv.json<SecretBundle>("GET", `/secrets/immutable/${versionOf(created.id)}`);
    expect(got.body.value).toBe("original");
    const versions = await kv.json<ListResult>("GET", "/secrets/immutable/versions");
    expect(versions.body.value).toHaveLength(1);
  });

  it("updates only the addressed version", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const v1 = await setSecret(kv, "two-vers", { value: "1" });
    const v2 = await setSecret(kv, "two-vers", { value: "2" });
    const res = await kv.json<SecretBundle>("PATCH", `/secrets/two-vers/${versionOf(v1.id)}`, { tags: { old: "yes" }, contentType: "old" });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(v1.id);
    const latest = await kv.json<SecretBundle>("GET", "/secrets/two-vers");
    expect(latest.body.id).toBe(v2.id);
    expect(latest.body).not.toHaveProperty("tags");
    expect(latest.body).not.toHaveProperty("contentType");
    const first = await kv.json<SecretBundle>("GET", `/secrets/two-vers/${versionOf(v1.id)}`);
    expect(first.body.tags).toEqual({ old: "yes" });
  });

  it("unknown secret or version -> 404 SecretNotFound and nothing is created", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const created = await setSecret(kv, "there", { value: "v" });
    expectError(await kv.json("PATCH", "/secrets/ghost/0123456789abcdef0123456789abcdef", { tags: { a: "b" } }), 404, "SecretNotFound");
    expectError(await kv.json("PATCH", "/secrets/there/0123456789abcdef0123456789abcdef", { tags: { a: "b" } }), 404, "SecretNotFound");
    expectError(await kv.json("GET", "/secrets/ghost"), 404, "SecretNotFound");
    const got = await kv.json<SecretBundle>("GET", "/secrets/there");
    expect(got.body.id).toBe(created.id);
    expect(got.body).not.toHaveProperty("tags");
  });
});

describe("list secrets and versions", () => {
  it("GET /secrets lists SecretItems: id without version, attributes, tags, contentType, never the value", async () => {
    const vault = uniqueVaultName("crud");
    const { kv } = await setupVault(vault);
    await setSecret(kv, "alpha", { value: "va", contentType: "ct-a", tags: { k: "v" } });
    await setSecret(kv, "beta", { value: "vb" });
    await setSecret(kv, "beta", { value: "vb2" });
    const res = await kv.json<ListResult>("GET", "/secrets");
    expect(res.status).toBe(200);
    expect(res.body.nextLink).toBeNull();
    const byId = new Map(res.body.value.map((i) => [i.id, i]));
    const base = `https://${vault}.vault.localhost:8443`;
    expect([...byId.keys()].sort()).toEqual([`${base}/secrets/alpha`, `${base}/secrets/beta`]);
    expect(byId.get(`${base}/secrets/alpha`)).toMatchObject({ contentType: "ct-a", tags: { k: "v" }, attributes: { enabled: true } });
    for (const item of res.body.value) expect(item).not.toHaveProperty("value");
  });

  it("GET /secrets/{name}/versions lists each version's id (with version) and no value", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const ids = [
      (await setSecret(kv, "multi", { value: "1" })).id,
      (await setSecret(kv, "multi", { value: "2" })).id,
      (await setSecret(kv, "multi", { value: "3" })).id,
    ];
    const res = await kv.json<ListResult>("GET", "/secrets/multi/versions");
    expect(res.status).toBe(200);
    expect(res.body.value.map((i) => i.id).sort()).toEqual([...ids].sort());
    for (const item of res.body.value) expect(item).not.toHaveProperty("value");
    expect(res.body.nextLink).toBeNull();
  });

  it("an empty vault lists nothing", async () => {
    const { kv } = await setupVault(uniqueVaultName("crud"));
    const res = await kv.json<ListResult>("GET", "/secrets");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ value: [], nextLink: null });
  });
});
