import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName } from "../support/fixture.ts";
import {
  auditPruneAlarm,
  DAY_SECONDS,
  expectError,
  setSecret,
  setVaultClock,
  vaultAlarm,
  vaultObject,
  versionOf,
  type DeletedSecretBundle,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("delete secret (DELETE /secrets/{name})", () => {
  it("returns the DeletedSecretBundle: recoveryId, deletedDate, scheduledPurgeDate = deletedDate + retention", async () => {
    const vault = uniqueVaultName("sdel");
    const { kv } = await setupVault(vault);
    await setSecret(kv, "gone", { value: "v1" });
    const latest = await setSecret(kv, "gone", { value: "v2", contentType: "ct", tags: { t: "1" } });
    const before = nowSeconds();
    const res = await kv.json<DeletedSecretBundle>("DELETE", "/secrets/gone");
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.recoveryId).toBe(`https://${vault}.vault.localhost:8443/deletedsecrets/gone`);
    expect(b.id).toBe(latest.id);
    expect(b).not.toHaveProperty("value");
    expect(b.contentType).toBe("ct");
    expect(b.tags).toEqual({ t: "1" });
    expect(b.attributes).toMatchObject({ enabled: true, recoverableDays: 90, recoveryLevel: "Recoverable+Purgeable" });
    expect(Number.isInteger(b.deletedDate)).toBe(true);
    expect(b.deletedDate).toBeGreaterThanOrEqual(before - 5);
    expect(b.deletedDate).toBeLessThanOrEqual(nowSeconds() + 5);
    expect(b.scheduledPurgeDate).toBe(b.deletedDate + 90 * DAY_SECONDS);
  });

  it("the deleted secret is no longer readable, listed, or versioned, and a second delete is 404", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    const s = await setSecret(kv, "gone", { value: "v" });
    await setSecret(kv, "stays", { value: "v" });
    expect((await kv.json("DELETE", "/secrets/gone")).status).toBe(200);
    expectError(await kv.json("GET", "/secrets/gone"), 404, "SecretNotFound");
    expectError(await kv.json("GET", `/secrets/gone/${versionOf(s.id)}`), 404, "SecretNotFound");
    const list = await kv.json<ListResult>("GET", "/secrets");
    expect(list.body.value.map((i) => i.id.split("/").pop())).toEqual(["stays"]);
    const versions = await kv.json<ListResult>("GET", "/secrets/gone/versions");
    expect(versions.status === 404 || versions.body.value.length === 0).toBe(true);
    expectError(await kv.json("DELETE", "/secrets/gone"), 404, "SecretNotFound");
    expectError(await kv.json("PATCH", `/secrets/gone/${versionOf(s.id)}`, { tags: {} }), 404, "SecretNotFound");
    expectError(await kv.json("POST", "/secrets/gone/backup"), 404, "SecretNotFound");
  });

  it("deleting an unknown secret -> 404 SecretNotFound", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    expectError(await kv.json("DELETE", "/secrets/never"), 404, "SecretNotFound");
  });
});

describe("deleted secrets (GET /deletedsecrets[/{name}])", () => {
  it("get and list show the deleted secret with recoveryId, dates and no value", async () => {
    const vault = uniqueVaultName("sdel");
    const { kv } = await setupVault(vault);
    await setSecret(kv, "d1", { value: "x", tags: { a: "b" } });
    await setSecret(kv, "live", { value: "y" });
    const deleted = (await kv.json<DeletedSecretBundle>("DELETE", "/secrets/d1")).body;

    const got = await kv.json<DeletedSecretBundle>("GET", "/deletedsecrets/d1");
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty("value");
    expect(got.body).toMatchObject({
      recoveryId: deleted.recoveryId,
      id: deleted.id,
      deletedDate: deleted.deletedDate,
      scheduledPurgeDate: deleted.scheduledPurgeDate,
      tags: { a: "b" },
    });

    const list = await kv.json<ListResult<DeletedSecretBundle>>("GET", "/deletedsecrets");
    expect(list.status).toBe(200);
    expect(list.body.nextLink).toBeNull();
    expect(list.body.value).toHaveLength(1);
    const item = list.body.value[0] as DeletedSecretBundle;
    expect(item.recoveryId).toBe(`https://${vault}.vault.localhost:8443/deletedsecrets/d1`);
    expect(item.id).toBe(`https://${vault}.vault.localhost:8443/secrets/d1`);
    expect(item.deletedDate).toBe(deleted.deletedDate);
    expect(item.scheduledPurgeDate).toBe(deleted.scheduledPurgeDate);
    expect(item).not.toHaveProperty("value");
  });

  it("getDeleted of a live or unknown name -> 404 SecretNotFound", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    await setSecret(kv, "live", { value: "v" });
    const live = expectError(await kv.json("GET", "/deletedsecrets/live"), 404, "SecretNotFound");
    expect(live.message).toBe("Deleted Secret not found: live");
    expectError(await kv.json("GET", "/deletedsecrets/unknown"), 404, "SecretNotFound");
  });
});

describe("set on a soft-deleted name", () => {
  it("-> 409 Conflict / ObjectIsDeletedButRecoverable and nothing changes", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    await setSecret(kv, "blocked", { value: "old" });
    await kv.json("DELETE", "/secrets/blocked");
    const res = await kv.json("PUT", "/secrets/blocked", { value: "new" });
    const error = expectError(res, 409, "Conflict", "ObjectIsDeletedButRecoverable");
    expect(error.message).toBe(
      "Secret blocked is currently in a deleted but recoverable state, and its name cannot be reused; " +
        "in this state, the secret can only be recovered or purged.",
    );
    // A differently-cased name is the same name.
    expectError(await kv.json("PUT", "/secrets/BLOCKED", { value: "new" }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
    expect((await kv.json("GET", "/deletedsecrets/blocked")).status).toBe(200);
    const recovered = await kv.json("POST", "/deletedsecrets/blocked/recover");
    expect(recovered.status).toBe(200);
    const versions = await kv.json<ListResult>("GET", "/secrets/blocked/versions");
    expect(versions.body.value).toHaveLength(1);
    expect((await kv.json<SecretBundle>("GET", "/secrets/blocked")).body.value).toBe("old");
  });
});

describe("recover (POST /deletedsecrets/{name}/recover)", () => {
  it("returns the latest version's bundle and makes every version readable again", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    const v1 = await setSecret(kv, "back", { value: "one" });
    const v2 = await setSecret(kv, "back", { value: "two", tags: { k: "v" } });
    await kv.json("DELETE", "/secrets/back");
    const res = await kv.json<SecretBundle>("POST", "/deletedsecrets/back/recover");
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(v2.id);
    expect(res.body.tags).toEqual({ k: "v" });
    expect(res.body).not.toHaveProperty("recoveryId");

    expect((await kv.json<SecretBundle>("GET", "/secrets/back")).body.value).toBe("two");
    expect((await kv.json<SecretBundle>("GET", `/secrets/back/${versionOf(v1.id)}`)).body.value).toBe("one");
    expectError(await kv.json("GET", "/deletedsecrets/back"), 404, "SecretNotFound");
    const deletedList = await kv.json<ListResult>("GET", "/deletedsecrets");
    expect(deletedList.body.value).toEqual([]);
    // The name is live again: a new version can be set.
    await setSecret(kv, "back", { value: "three" });
    expect((await kv.json<ListResult>("GET", "/secrets/back/versions")).body.value).toHaveLength(3);
  });

  it("recover of a live or unknown name -> 404 SecretNotFound", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    await setSecret(kv, "live", { value: "v" });
    expectError(await kv.json("POST", "/deletedsecrets/live/recover"), 404, "SecretNotFound");
    expectError(await kv.json("POST", "/deletedsecrets/unknown/recover"), 404, "SecretNotFound");
    expect((await kv.json<SecretBundle>("GET", "/secrets/live")).body.value).toBe("v");
  });
});

describe("purge (DELETE /deletedsecrets/{name})", () => {
  it("-> 204 with no body; the secret is gone everywhere and the name is reusable with fresh history", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    const old = await setSecret(kv, "bye", { value: "old" });
    await setSecret(kv, "bye", { value: "older" });
    await kv.json("DELETE", "/secrets/bye");
    const res = await kv.request("DELETE", "/deletedsecrets/bye");
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    expectError(await kv.json("GET", "/deletedsecrets/bye"), 404, "SecretNotFound");
    expect((await kv.json<ListResult>("GET", "/deletedsecrets")).body.value).toEqual([]);
    expectError(await kv.json("POST", "/deletedsecrets/bye/recover"), 404, "SecretNotFound");
    expectError(await kv.json("DELETE", "/deletedsecrets/bye"), 404, "SecretNotFound");

    const fresh = await setSecret(kv, "bye", { value: "new" });
    expect(fresh.value).toBe("new");
    const versions = await kv.json<ListResult>("GET", "/secrets/bye/versions");
    expect(versions.body.value.map((i) => i.id)).toEqual([fresh.id]);
    expectError(await kv.json("GET", `/secrets/bye/${versionOf(old.id)}`), 404, "SecretNotFound");
  });

  it("purge of a live or unknown name -> 404 SecretNotFound and the live secret is untouched", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"));
    await setSecret(kv, "live", { value: "v" });
    expectError(await kv.json("DELETE", "/deletedsecrets/live"), 404, "SecretNotFound");
    expectError(await kv.json("DELETE", "/deletedsecrets/unknown"), 404, "SecretNotFound");
    expect((await kv.json<SecretBundle>("GET", "/secrets/live")).body.value).toBe("v");
  });

  it("with purge protection: recoveryLevel has no +Purgeable, purge -> 403 and the deleted secret stays recoverable", async () => {
    const { kv } = await setupVault(uniqueVaultName("sdel"), "Key Vault Administrator", { enablePurgeProtection: true });
    const created = await setSecret(kv, "protected", { value: "keep" });
    expect(created.attributes.recoveryLevel).toBe("Recoverable");
    await kv.json("DELETE", "/secrets/protected");
    const res = await kv.json("DELETE", "/deletedsecrets/protected");
    expectError(res, 403, "Forbidden");
    const still = await kv.json<DeletedSecretBundle>("GET", "/deletedsecrets/protected");
    expect(still.status).toBe(200);
    expect((await kv.json<ListResult>("GET", "/deletedsecrets")).body.value).toHaveLength(1);
    expect((await kv.json("POST", "/deletedsecrets/protected/recover")).status).toBe(200);
    expect((await kv.json<SecretBundle>("GET", "/secrets/protected")).body.value).toBe("keep");
  });
});

describe("soft-delete lifecycle on a moved clock (7-day retention)", () => {
  const T0 = Date.UTC(2032, 5, 1, 8, 30, 0);
  const RETENTION_MS = 7 * DAY_SECONDS * 1000;

  async function deletedAtT0(vault: string) {
    const { kv } = await setupVault(vault, "Key Vault Administrator", { softDeleteRetentionInDays: 7 });
    await setVaultClock(vault, T0 - 3_600_000);
    await setSecret(kv, "temp", { value: "short-lived" });
    await setVaultClock(vault, T0);
    const deleted = await kv.json<DeletedSecretBundle>("DELETE", "/secrets/temp");
    expect(deleted.status).toBe(200);
    return { kv, deleted: deleted.body };
  }

  it("deletedDate and scheduledPurgeDate come from the vault clock; the purge alarm is armed for that date", async () => {
    const vault = uniqueVaultName("sdclk");
    const { deleted } = await deletedAtT0(vault);
    expect(deleted.deletedDate).toBe(T0 / 1000);
    expect(deleted.scheduledPurgeDate).toBe(T0 / 1000 + 7 * DAY_SECONDS);
    expect(deleted.attributes.recoverableDays).toBe(7);
    expect(deleted.attributes.recoveryLevel).toBe("CustomizedRecoverable+Purgeable");
    expect(await vaultAlarm(vault)).toBe(deleted.scheduledPurgeDate * 1000);
  });

  it("before the scheduled date the alarm purges nothing", async () => {
    const vault = uniqueVaultName("sdclk");
    const { kv, deleted } = await deletedAtT0(vault);
    await setVaultClock(vault, T0 + RETENTION_MS - 1000);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    const still = await kv.json<DeletedSecretBundle>("GET", "/deletedsecrets/temp");
    expect(still.status).toBe(200);
    expect(still.body.scheduledPurgeDate).toBe(deleted.scheduledPurgeDate);
    expectError(await kv.json("PUT", "/secrets/temp", { value: "reuse" }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
    // Still pending: the alarm is re-armed for the same date.
    expect(await vaultAlarm(vault)).toBe(deleted.scheduledPurgeDate * 1000);
  });

  it("after the scheduled date the alarm purges: getDeleted 404, not listed, name reusable", async () => {
    const vault = uniqueVaultName("sdclk");
    const { kv } = await deletedAtT0(vault);
    await setVaultClock(vault, T0 + RETENTION_MS + 1000);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expectError(await kv.json("GET", "/deletedsecrets/temp"), 404, "SecretNotFound");
    expect((await kv.json<ListResult>("GET", "/deletedsecrets")).body.value).toEqual([]);
    const reused = await setSecret(kv, "temp", { value: "reborn" });
    expect(reused.attributes.created).toBe((T0 + RETENTION_MS + 1000) / 1000);
    expect((await kv.json<ListResult>("GET", "/secrets/temp/versions")).body.value).toHaveLength(1);
    expect(await vaultAlarm(vault)).toBe(await auditPruneAlarm(vault));
  });

  it("purges only what is due and re-arms for the next deleted secret", async () => {
    const vault = uniqueVaultName("sdclk");
    const { kv } = await deletedAtT0(vault);
    await setSecret(kv, "later", { value: "x" });
    await setVaultClock(vault, T0 + 2 * DAY_SECONDS * 1000);
    const later = (await kv.json<DeletedSecretBundle>("DELETE", "/secrets/later")).body;
    expect(later.scheduledPurgeDate).toBe(T0 / 1000 + 9 * DAY_SECONDS);

    await setVaultClock(vault, T0 + RETENTION_MS + 1000);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expectError(await kv.json("GET", "/deletedsecrets/temp"), 404, "SecretNotFound");
    expect((await kv.json("GET", "/deletedsecrets/later")).status).toBe(200);
    expect(await vaultAlarm(vault)).toBe(later.scheduledPurgeDate * 1000);
  });

  it("recovering cancels the scheduled purge", async () => {
    const vault = uniqueVaultName("sdclk");
    const { kv } = await deletedAtT0(vault);
    expect((await kv.json("POST", "/deletedsecrets/temp/recover")).status).toBe(200);
    expect(await vaultAlarm(vault)).toBe(await auditPruneAlarm(vault));
    await setVaultClock(vault, T0 + 30 * DAY_SECONDS * 1000);
    await runDurableObjectAlarm(vaultObject(vault));
    const got = await kv.json<SecretBundle>("GET", "/secrets/temp");
    expect(got.status).toBe(200);
    expect(got.body.value).toBe("short-lived");
  });

  it("purge protection does not stop the retention-period purge", async () => {
    const vault = uniqueVaultName("sdclk");
    const { kv } = await setupVault(vault, "Key Vault Administrator", { softDeleteRetentionInDays: 7, enablePurgeProtection: true });
    await setVaultClock(vault, T0);
    await setSecret(kv, "locked", { value: "v" });
    await kv.json("DELETE", "/secrets/locked");
    expectError(await kv.json("DELETE", "/deletedsecrets/locked"), 403, "Forbidden");
    await setVaultClock(vault, T0 + RETENTION_MS);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expectError(await kv.json("GET", "/deletedsecrets/locked"), 404, "SecretNotFound");
    await setSecret(kv, "locked", { value: "new" });
  });
});
