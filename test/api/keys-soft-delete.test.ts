/**
 * Soft delete of keys (keys.json DeleteKey, GetDeletedKey(s), RecoverDeletedKey, PurgeDeletedKey):
 * DeletedKeyBundle shape, the blocked name (409 ObjectIsDeletedButRecoverable), recover and purge.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { auditPruneAlarm, setVaultClock, vaultAlarm, vaultObject } from "../support/secrets.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  EC_P256_JWK,
  b64u,
  createKey,
  digestOf,
  expectKvError,
  expectOk,
  importKey,
  keyOp,
  keyVault,
  sharedKeyVault,
  nowSeconds,
  sign,
  utf8,
  verify,
  versionOfKid,
  type DeletedKeyBundle,
  type DeletedKeyItem,
  type KeyBundle,
  type KeyListResult,
  SLOW_KEYS,
} from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

/** One empty vault for the file; each test makes its own keys (isolatedStorage undoes them after it). */
const shared = sharedKeyVault("sd");

const DAY = 86_400;

describe("delete key (DELETE /keys/{name})", SLOW_KEYS, () => {
  it("returns the DeletedKeyBundle: recoveryId, deletedDate, scheduledPurgeDate, the latest key's public part", async () => {
    const { vault, kv } = shared();
    await createKey(kv, "gone", { kty: "EC", crv: "P-256" });
    const latest = await createKey(kv, "gone", { kty: "EC", crv: "P-384", tags: { t: "1" } });
    const before = nowSeconds();
    const deleted = expectOk(await kv.json<DeletedKeyBundle>("DELETE", "/keys/gone"));
    expect(deleted.recoveryId).toBe(`https://${vault}.vault.localhost:8443/deletedkeys/gone`);
    expect(deleted.key).toEqual(latest.key);
    expect(deleted.tags).toEqual({ t: "1" });
    expect(deleted.attributes).toMatchObject({ enabled: true, recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90 });
    expect(deleted.deletedDate).toBeGreaterThanOrEqual(before - 5);
    expect(deleted.deletedDate).toBeLessThanOrEqual(nowSeconds() + 5);
    expect(deleted.scheduledPurgeDate).toBe(deleted.deletedDate + 90 * DAY);
  });

  it("a deleted key is gone for get, list, versions, update, crypto, backup; a second delete is 404", async () => {
    const { kv } = shared();
    const created = await createKey(kv, "gone", { kty: "EC" });
    await createKey(kv, "stays", { kty: "EC" });
    expectOk(await kv.json("DELETE", "/keys/gone"));
    const v = versionOfKid(created.key.kid);
    expectKvError(await kv.json("GET", "/keys/gone"), 404, "KeyNotFound");
    expectKvError(await kv.json("GET", `/keys/gone/${v}`), 404, "KeyNotFound");
    expectKvError(await kv.json("PATCH", `/keys/gone/${v}`, { tags: {} }), 404, "KeyNotFound");
    expectKvError(await keyOp(kv, "gone", "sign", { alg: "ES256", value: b64u(new Uint8Array(32)) }), 404, "KeyNotFound");
    expectKvError(await kv.json("POST", "/keys/gone/backup"), 404, "KeyNotFound");
    expectKvError(await kv.json("POST", "/keys/gone/rotate"), 404, "KeyNotFound");
    expectKvError(await kv.json("GET", "/keys/gone/rotationpolicy"), 404, "KeyNotFound");
    expectKvError(await kv.json("DELETE", "/keys/gone"), 404, "KeyNotFound");
    const list = expectOk(await kv.json<KeyListResult>("GET", "/keys"));
    expect(list.value.map((i) => i.kid.split("/").pop())).toEqual(["stays"]);
    expect(expectOk(await kv.json<KeyListResult>("GET", "/keys/gone/versions")).value).toEqual([]);
    expectKvError(await kv.json("DELETE", "/keys/never"), 404, "KeyNotFound");
  });
});

describe("deleted keys (GET /deletedkeys[/{name}])", SLOW_KEYS, () => {
  it("get and list show the deleted key with recoveryId and dates; list items have a versionless kid", async () => {
    const { vault, kv } = shared();
    await createKey(kv, "d1", { kty: "EC", tags: { a: "b" } });
    await createKey(kv, "d2", { kty: "oct", key_size: 128 });
    await createKey(kv, "live", { kty: "EC" });
    const deleted = expectOk(await kv.json<DeletedKeyBundle>("DELETE", "/keys/d1"));
    expectOk(await kv.json("DELETE", "/keys/d2"));

    const got = expectOk(await kv.json<DeletedKeyBundle>("GET", "/deletedkeys/d1"));
    expect(got).toEqual(deleted);

    const list = expectOk(await kv.json<KeyListResult<DeletedKeyItem>>("GET", "/deletedkeys"));
    expect(list.nextLink).toBeNull();
    expect(list.value.map((i) => i.kid).sort()).toEqual([
      `https://${vault}.vault.localhost:8443/keys/d1`,
      `https://${vault}.vault.localhost:8443/keys/d2`,
    ]);
    const d1 = list.value.find((i) => i.kid.endsWith("/d1")) as DeletedKeyItem;
    expect(d1).toMatchObject({ recoveryId: deleted.recoveryId, deletedDate: deleted.deletedDate, scheduledPurgeDate: deleted.scheduledPurgeDate, tags: { a: "b" } });
    expect(d1).not.toHaveProperty("key");

    const paged = expectOk(await kv.json<KeyListResult<DeletedKeyItem>>("GET", "/deletedkeys?maxresults=1"));
    expect(paged.value).toHaveLength(1);
    expect(paged.nextLink).not.toBeNull();
    const rest = expectOk(await kv.absolute<KeyListResult<DeletedKeyItem>>(paged.nextLink as string));
    expect([...paged.value, ...rest.value].map((i) => i.kid).sort()).toEqual(list.value.map((i) => i.kid).sort());
  });

  it("getDeleted of a live or unknown name -> 404 KeyNotFound \"Deleted Key not found\"", async () => {
    const { kv } = shared();
    await createKey(kv, "live", { kty: "EC" });
    const error = expectKvError(await kv.json("GET", "/deletedkeys/live"), 404, "KeyNotFound");
    expect(error.message).toBe("Deleted Key not found: live");
    expectKvError(await kv.json("GET", "/deletedkeys/unknown"), 404, "KeyNotFound");
    expectKvError(await kv.json("POST", "/deletedkeys/live/recover"), 404, "KeyNotFound");
    expectKvError(await kv.json("DELETE", "/deletedkeys/live"), 404, "KeyNotFound");
  });
});

describe("a soft-deleted name is blocked", SLOW_KEYS, () => {
  it("create and import on it -> 409 Conflict / ObjectIsDeletedButRecoverable with Azure's message", async () => {
    const { kv } = shared();
    await createKey(kv, "blocked", { kty: "EC" });
    expectOk(await kv.json("DELETE", "/keys/blocked"));
    const error = expectKvError(await kv.json("POST", "/keys/blocked/create", { kty: "EC" }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
    expect(error.message).toBe(
      "Key blocked is currently in a deleted but recoverable state, and its name cannot be reused; " +
        "in this state, the key can only be recovered or purged.",
    );
    expectKvError(await kv.json("PUT", "/keys/blocked", { key: EC_P256_JWK }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
    expectKvError(await kv.json("POST", "/keys/BLOCKED/create", { kty: "EC" }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
    // Still exactly the one deleted key with one version.
    expect(expectOk(await kv.json<KeyListResult>("GET", "/deletedkeys")).value).toHaveLength(1);
  });
});

describe("recover (POST /deletedkeys/{name}/recover)", SLOW_KEYS, () => {
  it("brings back every version; the key signs again and old signatures verify", async () => {
    const { kv } = shared();
    const v1 = await importKey(kv, "back", EC_P256_JWK);
    const v2 = await createKey(kv, "back", { kty: "EC", crv: "P-256", tags: { x: "y" } });
    const digest = await digestOf("SHA-256", utf8("before delete"));
    const signature = await sign(kv, "back", "ES256", digest, versionOfKid(v1.key.kid));
    expectOk(await kv.json("DELETE", "/keys/back"));

    const recovered = expectOk(await kv.json<KeyBundle>("POST", "/deletedkeys/back/recover"));
    expect(recovered).toEqual(v2);
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/back"))).toEqual(v2);
    expect(expectOk(await kv.json<KeyListResult>("GET", "/keys/back/versions")).value.map((i) => i.kid).sort()).toEqual([v1.key.kid, v2.key.kid].sort());
    expect(await verify(kv, "back", "ES256", digest, signature, versionOfKid(v1.key.kid))).toBe(true);
    expect((await keyOp(kv, "back", "sign", { alg: "ES256", value: b64u(digest) })).status).toBe(200);
    expectKvError(await kv.json("GET", "/deletedkeys/back"), 404, "KeyNotFound");
  });
});

describe("purge (DELETE /deletedkeys/{name})", SLOW_KEYS, () => {
  it("204 with no body; the name is free again and the new key has only its own version", async () => {
    const { kv } = shared();
    await createKey(kv, "p", { kty: "EC" });
    await createKey(kv, "p", { kty: "EC" });
    expectOk(await kv.json("DELETE", "/keys/p"));
    const purged = await kv.request("DELETE", "/deletedkeys/p");
    expect(purged.status).toBe(204);
    expect(await purged.text()).toBe("");
    expectKvError(await kv.json("GET", "/deletedkeys/p"), 404, "KeyNotFound");
    expect(expectOk(await kv.json<KeyListResult>("GET", "/deletedkeys")).value).toEqual([]);
    const again = await createKey(kv, "p", { kty: "EC" });
    expect(expectOk(await kv.json<KeyListResult>("GET", "/keys/p/versions")).value.map((i) => i.kid)).toEqual([again.key.kid]);
    expectKvError(await kv.json("DELETE", "/deletedkeys/p"), 404, "KeyNotFound");
  });

  it("purging a key removes its rotation policy: the same name re-created has the default policy", async () => {
    const { kv } = shared();
    await createKey(kv, "p", { kty: "EC" });
    expectOk(
      await kv.json("PUT", "/keys/p/rotationpolicy", {
        lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }],
        attributes: { expiryTime: "P90D" },
      }),
    );
    expectOk(await kv.json("DELETE", "/keys/p"));
    expect((await kv.request("DELETE", "/deletedkeys/p")).status).toBe(204);
    await createKey(kv, "p", { kty: "EC" });
    expect(expectOk(await kv.json("GET", "/keys/p/rotationpolicy"))).toEqual({
      lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }],
      attributes: null,
    });
  });

  it("a vault with purge protection refuses purge with 403 and keeps the deleted key", async () => {
    const { kv } = await keyVault("sdprotect", "Key Vault Administrator", { enablePurgeProtection: true });
    const created = await createKey(kv, "kept", { kty: "EC" });
    expect(created.attributes.recoveryLevel).toBe("Recoverable");
    expectOk(await kv.json("DELETE", "/keys/kept"));
    expectKvError(await kv.json("DELETE", "/deletedkeys/kept"), 403, "Forbidden");
    expect((await kv.json("GET", "/deletedkeys/kept")).status).toBe(200);
  });

  it("a vault with 7-day retention: CustomizedRecoverable+Purgeable, recoverableDays 7, purge date 7 days on", async () => {
    const { kv } = await keyVault("sdseven", "Key Vault Administrator", { softDeleteRetentionInDays: 7 });
    const created = await createKey(kv, "short", { kty: "EC" });
    expect(created.attributes).toMatchObject({ recoveryLevel: "CustomizedRecoverable+Purgeable", recoverableDays: 7 });
    const deleted = expectOk(await kv.json<DeletedKeyBundle>("DELETE", "/keys/short"));
    expect(deleted.scheduledPurgeDate).toBe(deleted.deletedDate + 7 * DAY);
  });
});

describe("purge by the vault alarm when retention ends", SLOW_KEYS, () => {
  it("after scheduledPurgeDate the alarm purges the key and its rotation policy; before it, nothing happens", async () => {
    const { vault, kv } = shared();
    await createKey(kv, "old", { kty: "EC" });
    expectOk(
      await kv.json("PUT", "/keys/old/rotationpolicy", {
        lifetimeActions: [],
        attributes: { expiryTime: "P60D" },
      }),
    );
    const deleted = expectOk(await kv.json<DeletedKeyBundle>("DELETE", "/keys/old"));
    expect(await vaultAlarm(vault)).toBe(deleted.scheduledPurgeDate * 1000);

    await setVaultClock(vault, (deleted.scheduledPurgeDate - 60) * 1000);
    await runDurableObjectAlarm(vaultObject(vault));
    expect(expectOk(await kv.json<DeletedKeyBundle>("GET", "/deletedkeys/old")).recoveryId).toBe(deleted.recoveryId);

    await setVaultClock(vault, (deleted.scheduledPurgeDate + 1) * 1000);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expectKvError(await kv.json("GET", "/deletedkeys/old"), 404, "KeyNotFound");
    expect(expectOk(await kv.json<KeyListResult>("GET", "/deletedkeys")).value).toEqual([]);
    await createKey(kv, "old", { kty: "EC" });
    expect(expectOk(await kv.json("GET", "/keys/old/rotationpolicy"))).toEqual({
      lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }],
      attributes: null,
    });
    expect(await vaultAlarm(vault)).toBe(await auditPruneAlarm(vault));
  });
});
