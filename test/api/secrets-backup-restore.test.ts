import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import {
  addVault,
  expectError,
  newTenantWithVault,
  setSecret,
  unhandledRejectionsDuring,
  versionOf,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

async function backup(kv: VaultClient, name: string): Promise<string> {
  const res = await kv.json<{ value: string }>("POST", `/secrets/${name}/backup`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(Object.keys(res.body)).toEqual(["value"]);
  expect(res.body.value).toMatch(/^[A-Za-z0-9_-]+$/);
  return res.body.value;
}

async function deleteAndPurge(kv: VaultClient, name: string): Promise<void> {
  expect((await kv.json("DELETE", `/secrets/${name}`)).status).toBe(200);
  expect((await kv.request("DELETE", `/deletedsecrets/${name}`)).status).toBe(204);
  expectError(await kv.json("GET", `/deletedsecrets/${name}`), 404, "SecretNotFound");
}

async function versionIds(kv: VaultClient, name: string): Promise<string[]> {
  const res = await kv.json<ListResult>("GET", `/secrets/${name}/versions`);
  expect(res.status).toBe(200);
  return res.body.value.map((i) => versionOf(i.id)).sort();
}

describe("backup (POST /secrets/{name}/backup)", () => {
  it("returns {value: opaque base64url blob} that does not reveal the secret value", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    await setSecret(kv, "b", { value: "plain-text-marker-123" });
    const blob = await backup(kv, "b");
    const decoded = atob(blob.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((blob.length + 3) % 4));
    expect(decoded).not.toContain("plain-text-marker-123");
    expect(blob).not.toContain("plain-text-marker-123");
  });

  it("backup of an unknown or soft-deleted secret -> 404 SecretNotFound, without unhandled rejections", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    await setSecret(kv, "del", { value: "v" });
    await kv.json("DELETE", "/secrets/del");
    const unhandled = await unhandledRejectionsDuring(async () => {
      expectError(await kv.json("POST", "/secrets/none/backup"), 404, "SecretNotFound");
      expectError(await kv.json("POST", "/secrets/del/backup"), 404, "SecretNotFound");
    });
    // A 404 is an ordinary answer: the Worker must not leave a rejected promise unhandled on the way.
    expect(unhandled).toEqual([]);
  });
});

describe("restore (POST /secrets/restore)", () => {
  it("after delete + purge, restores every version with the same ids, values and metadata", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    const v1 = await setSecret(kv, "roundtrip", { value: "first", contentType: "text/one", tags: { n: "1" } });
    const v2 = await setSecret(kv, "roundtrip", { value: "second", attributes: { exp: 2_100_000_000 } });
    const v3 = await setSecret(kv, "roundtrip", { value: "third", attributes: { enabled: false } });
    const originals = [v1, v2, v3];
    const blob = await backup(kv, "roundtrip");
    await deleteAndPurge(kv, "roundtrip");
    expectError(await kv.json("GET", `/secrets/roundtrip/${versionOf(v1.id)}`), 404, "SecretNotFound");

    const res = await kv.json<SecretBundle>("POST", "/secrets/restore", { value: blob });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.id).toBe(v3.id);
    expect(res.body.attributes.enabled).toBe(false);

    expect(await versionIds(kv, "roundtrip")).toEqual(originals.map((v) => versionOf(v.id)).sort());
    for (const [original, value] of [
      [v1, "first"],
      [v2, "second"],
    ] as const) {
      const got = await kv.json<SecretBundle>("GET", `/secrets/roundtrip/${versionOf(original.id)}`);
      expect(got.status).toBe(200);
      expect(got.body.value).toBe(value);
      expect(got.body.id).toBe(original.id);
      expect(got.body.attributes.created).toBe(original.attributes.created);
      expect(got.body.contentType).toBe(original.contentType);
      expect(got.body.tags).toEqual(original.tags);
      expect(got.body.attributes.exp).toBe(original.attributes.exp);
    }
    // The latest (v3) was disabled at backup time and is restored disabled; re-enabling shows its value.
    expectError(await kv.json("GET", "/secrets/roundtrip"), 403, "Forbidden", "SecretDisabled");
    await kv.json("PATCH", `/secrets/roundtrip/${versionOf(v3.id)}`, { attributes: { enabled: true } });
    expect((await kv.json<SecretBundle>("GET", "/secrets/roundtrip")).body.value).toBe("third");
  });

  it("restores into a second vault of the same tenant; both vaults then hold it independently", async () => {
    const vault1 = uniqueVaultName("bkp");
    const vault2 = uniqueVaultName("bkp2");
    const { tenantId, kv } = await setupVault(vault1);
    const created = await setSecret(kv, "moving", { value: "portable", tags: { from: vault1 } });
    const blob = await backup(kv, "moving");

    const second = await addVault(tenantId, vault2);
    const res = await second.kv.json<SecretBundle>("POST", "/secrets/restore", { value: blob });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.id).toBe(`https://${vault2}.vault.localhost:8443/secrets/moving/${versionOf(created.id)}`);
    const got = await second.kv.json<SecretBundle>("GET", "/secrets/moving");
    expect(got.body.value).toBe("portable");
    expect(got.body.tags).toEqual({ from: vault1 });

    // Independent copies: changing one does not change the other.
    await setSecret(second.kv, "moving", { value: "changed-in-2" });
    expect((await kv.json<SecretBundle>("GET", "/secrets/moving")).body.value).toBe("portable");
    expect(await versionIds(kv, "moving")).toHaveLength(1);
  });

  it("a blob from another tenant's vault -> 400 Malformed backup blob, and nothing is created", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    await setSecret(kv, "foreign", { value: "tenant-a-only" });
    const blob = await backup(kv, "foreign");

    const other = await newTenantWithVault(uniqueVaultName("bkpx"));
    expectError(await other.kv.json("POST", "/secrets/restore", { value: blob }), 400, "Malformed backup blob");
    expectError(await other.kv.json("GET", "/secrets/foreign"), 404, "SecretNotFound");
    expect((await other.kv.json<ListResult>("GET", "/secrets")).body.value).toEqual([]);
  });

  it("restore while the name exists -> 409 Conflict; the existing secret is unchanged", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    await setSecret(kv, "dup", { value: "backed-up" });
    const blob = await backup(kv, "dup");
    const current = await setSecret(kv, "dup", { value: "current" });
    expectError(await kv.json("POST", "/secrets/restore", { value: blob }), 409, "Conflict");
    const got = await kv.json<SecretBundle>("GET", "/secrets/dup");
    expect(got.body.id).toBe(current.id);
    expect(got.body.value).toBe("current");
    expect(await versionIds(kv, "dup")).toHaveLength(2);
  });

  it("restore while the name is soft-deleted -> 409 Conflict; the deleted secret stays as it was", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    await setSecret(kv, "sd", { value: "v" });
    const blob = await backup(kv, "sd");
    await kv.json("DELETE", "/secrets/sd");
    expectError(await kv.json("POST", "/secrets/restore", { value: blob }), 409, "Conflict");
    expect((await kv.json("GET", "/deletedsecrets/sd")).status).toBe(200);
    expectError(await kv.json("GET", "/secrets/sd"), 404, "SecretNotFound");
  });

  // Azure's answer to a blob it cannot read, code and message as recorded (the JS SDKs' tests compare the message).
  it("a tampered, truncated or garbage blob -> 400 Malformed backup blob; no blob at all -> 400 BadParameter", async () => {
    const { kv } = await setupVault(uniqueVaultName("bkp"));
    await setSecret(kv, "t", { value: "v" });
    const blob = await backup(kv, "t");
    await deleteAndPurge(kv, "t");
    const middle = Math.floor(blob.length / 2);
    const flipped = blob.slice(0, middle) + (blob[middle] === "A" ? "B" : "A") + blob.slice(middle + 1);
    for (const value of [flipped, blob.slice(0, blob.length - 10), "AAAA", "Zm9v", blob + "x"]) {
      const res = await kv.json<{ error: { message: string } }>("POST", "/secrets/restore", { value });
      expectError(res, 400, "Malformed backup blob");
      expect(res.body.error.message).toBe("Backup blob contains invalid or corrupt version.");
    }
    // Not a blob at all (no value, or not base64url): the request's own 400.
    for (const body of [{}, { value: "" }, { value: 42 }, { value: null }, { value: "not base64 !!" }]) {
      expectError(await kv.json("POST", "/secrets/restore", body), 400, "BadParameter");
    }
    expect((await kv.json<ListResult>("GET", "/secrets")).body.value).toEqual([]);
    // The genuine blob still restores.
    expect((await kv.json("POST", "/secrets/restore", { value: blob })).status).toBe(200);
  });
});
