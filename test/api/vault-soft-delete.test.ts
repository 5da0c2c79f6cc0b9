/**
 * Vault soft delete (issue 17, docs/access-control.md "Vault soft delete"): a deleted vault answers as one that does
 * not exist, is listed under deletedVaults in ARM's shape, holds its name across tenants, comes back whole on PUT with
 * createMode "recover", and is destroyed by a purge (refused under purge protection) or by the registry's alarm at
 * the end of its retention, which the tests reach by moving the registry's clock.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ManualClock, DAY_MS } from "../../core/domain/clock.ts";
import { admin, createTenant, createVault, uniqueVaultName, vaultClient } from "../support/fixture.ts";
import { errorCode } from "../support/identity.ts";
import { expectError, newTenantWithVault, setSecret, vaultAlarm, vaultObject, type SecretBundle } from "../support/secrets.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
failOnlyOnTrulyUnhandledRejections();

const registry = () => env.REGISTRY.get(env.REGISTRY.idFromName("registry"));
const vaultPath = (tenantId: string, name: string) => `/tenants/${tenantId}/vaults/${name}`;
const deletedPath = (tenantId: string, name: string) => `/tenants/${tenantId}/deletedVaults/${name}`;
const deleteVault = async (tenantId: string, name: string) => expect((await admin("DELETE", vaultPath(tenantId, name))).status).toBe(204);
const recover = (tenantId: string, name: string) => admin("PUT", vaultPath(tenantId, name), { createMode: "recover" });
const purge = (tenantId: string, name: string) => admin("POST", `${deletedPath(tenantId, name)}/purge`);

interface DeletedVaultJson {
  id: string;
  name: string;
  type: string;
  properties: { vaultId: string; location: string; deletionDate: string; scheduledPurgeDate: string; tags: object; purgeProtectionEnabled: boolean };
}

async function deletedList(tenantId: string): Promise<DeletedVaultJson[]> {
  const response = await admin("GET", `/tenants/${tenantId}/deletedVaults`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: DeletedVaultJson[] }).value;
}

async function rowsIn(name: string, table: string): Promise<number> {
  return runInDurableObject(vaultObject(name), (_i, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);
}

/** Moves the registry's clock (its alarm purges by it) and runs its alarm; the real-clock alarm is left deleted. */
async function registryAlarmAt(ms: number): Promise<void> {
  await runInDurableObject(registry(), (instance) => {
    instance.clock = new ManualClock(ms);
  });
  await runDurableObjectAlarm(registry());
}

describe("deleting a vault", () => {
  it("keeps it recoverable: the data plane answers as for a vault that never was, deletedVaults lists it in ARM's shape", async () => {
    const name = uniqueVaultName("sdel");
    const { tenantId, kv } = await newTenantWithVault(name, { softDeleteRetentionInDays: 7 });
    await setSecret(kv, "kept", { value: "v1" });
    const before = Date.now();
    await deleteVault(tenantId, name);

    expect((await admin("GET", vaultPath(tenantId, name))).status).toBe(404);
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()).toStrictEqual({ value: [] });
    expectError(await kv.json("GET", "/secrets/kept"), 404, "VaultNotFound");
    const never = vaultClient(uniqueVaultName("never"), null);
    const [deletedAnon, neverAnon] = [await vaultClient(name, null).request("GET", "/secrets"), await never.request("GET", "/secrets")];
    expect([deletedAnon.status, (await errorCode(deletedAnon)).code]).toStrictEqual([neverAnon.status, (await errorCode(neverAnon)).code]);

    const [listed] = await deletedList(tenantId);
    expect(listed).toMatchObject({
      id: deletedPath(tenantId, name),
      name,
      type: "Microsoft.KeyVault/deletedVaults",
      properties: { vaultId: vaultPath(tenantId, name), location: "global", tags: {}, purgeProtectionEnabled: false },
    });
    const deletion = Date.parse(listed?.properties.deletionDate ?? "");
    expect(deletion).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(listed?.properties.scheduledPurgeDate ?? "") - deletion).toBe(7 * DAY_MS);
    const got = await admin("GET", deletedPath(tenantId, name));
    expect([got.status, await got.json()]).toStrictEqual([200, listed]);
    // Everything is still in the vault's object.
    expect(await rowsIn(name, "object_versions")).toBe(1);
  });

  it("holds the name in every tenant: creating it anywhere is ARM's ConflictError; another tenant sees no deleted vault", async () => {
    const name = uniqueVaultName("sres");
    const { tenantId } = await newTenantWithVault(name);
    await deleteVault(tenantId, name);
    const other = await createTenant();
    for (const owner of [other, tenantId]) {
      const refused = await errorCode(await admin("PUT", vaultPath(owner, name), {}));
      expect([refused.status, refused.code]).toStrictEqual([409, "ConflictError"]);
      expect(refused.message).toMatch(/^A vault with the same name already exists in deleted state\. You need to either recover or purge/);
    }
    expect((await admin("GET", deletedPath(other, name))).status).toBe(404);
    expect(await deletedList(other)).toStrictEqual([]);
    for (const refused of [await recover(other, name), await purge(other, name)]) {
      expect([refused.status, (await errorCode(refused)).code]).toStrictEqual([404, "VaultNotFound"]);
    }
    const operatorView = (await (await admin("GET", "/deletedVaults")).json()) as { value: { name: string; tenantId: string }[] };
    expect(operatorView.value.filter((d) => d.name === name).map((d) => d.tenantId)).toStrictEqual([tenantId]);
    // Its tenant cannot be deleted while it holds a deleted vault.
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(409);
  });
});

describe("recovering a deleted vault (PUT with createMode 'recover')", () => {
  it("brings everything back: secrets and their versions, deleted secrets, keys, role assignments and settings", async () => {
    const name = uniqueVaultName("srec");
    const { tenantId, kv } = await newTenantWithVault(name);
    const v1 = await setSecret(kv, "app", { value: "first" });
    await setSecret(kv, "app", { value: "second" });
    await setSecret(kv, "gone", { value: "in the bin" });
    expect((await kv.json("DELETE", "/secrets/gone")).status).toBe(200);
    const key = await kv.json<{ key: { kid: string; x: string } }>("POST", "/keys/signer/create", { kty: "EC", crv: "P-256" });
    expect(key.status).toBe(200);
    const cors = { allowedOrigins: ["https://app.example"], allowedMethods: ["GET"], allowedHeaders: ["*"], exposedHeaders: [], maxAgeInSeconds: 60 };
    expect((await admin("PATCH", `${vaultPath(tenantId, name)}/settings`, { cors, auditRetentionDays: 30 })).status).toBe(200);
    const assignments = await (await admin("GET", `${vaultPath(tenantId, name)}/roleAssignments`)).json();

    expect(await vaultAlarm(name)).not.toBeNull(); // the deleted secret's scheduled purge
    await deleteVault(tenantId, name);
    // Nothing runs in a deleted vault: its alarm is gone until it is recovered.
    expect(await vaultAlarm(name)).toBeNull();
    const recovered = await recover(tenantId, name);
    expect(await vaultAlarm(name)).not.toBeNull();
    expect(recovered.status).toBe(200);
    expect(await recovered.json()).toMatchObject({ name, tenantId, cors });
    expect(await deletedList(tenantId)).toStrictEqual([]);
    expect(((await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()) as { value: { name: string }[] }).value.map((v) => v.name)).toStrictEqual([name]);

    // The token issued before the deletion works again: the role assignments came back.
    expect((await kv.json<SecretBundle>("GET", "/secrets/app")).body.value).toBe("second");
    expect((await kv.json<SecretBundle>("GET", `/secrets/app/${v1.id.split("/").pop()}`)).body.value).toBe("first");
    expect((await kv.json("GET", "/deletedsecrets/gone")).status).toBe(200);
    const keyAfter = await kv.json<{ key: { kid: string; x: string } }>("GET", "/keys/signer");
    expect([keyAfter.body.key.kid, keyAfter.body.key.x]).toStrictEqual([key.body.key.kid, key.body.key.x]);
    const signed = await kv.json<{ value: string }>("POST", `/keys/signer/sign`, { alg: "ES256", value: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" });
    expect(signed.status).toBe(200);
    expect(await (await admin("GET", `${vaultPath(tenantId, name)}/roleAssignments`)).json()).toStrictEqual(assignments);
    expect(await (await admin("GET", `${vaultPath(tenantId, name)}/settings`)).json()).toMatchObject({ cors, auditRetentionDays: 30 });
  });

  it("of a name that is not deleted: 404, and a live vault is left as it was", async () => {
    const name = uniqueVaultName("srlive");
    const { tenantId, kv } = await newTenantWithVault(name);
    await setSecret(kv, "s", { value: "x" });
    const refused = await errorCode(await recover(tenantId, name));
    expect([refused.status, refused.code]).toStrictEqual([404, "VaultNotFound"]);
    expect((await kv.json<SecretBundle>("GET", "/secrets/s")).body.value).toBe("x");
    const bad = await errorCode(await admin("PUT", vaultPath(tenantId, uniqueVaultName("srbad")), { createMode: "restore" }));
    expect([bad.status, bad.code]).toStrictEqual([400, "BadParameter"]);
  });
});

describe("purging a deleted vault", () => {
  it("destroys everything and frees the name for any tenant", async () => {
    const name = uniqueVaultName("spur");
    const { tenantId, kv } = await newTenantWithVault(name);
    await setSecret(kv, "old", { value: "first-tenant" });
    await deleteVault(tenantId, name);
    const purged = await purge(tenantId, name);
    expect([purged.status, await purged.text()]).toStrictEqual([200, ""]);
    expect(await deletedList(tenantId)).toStrictEqual([]);
    expect((await admin("GET", deletedPath(tenantId, name))).status).toBe(404);
    expect(await runInDurableObject(vaultObject(name), (instance) => instance.describeDeleted())).toBeNull();
    expect(await rowsIn(name, "object_versions")).toBe(0);

    const other = await createTenant();
    await createVault(other, name);
    expect(await rowsIn(name, "object_versions")).toBe(0);
    // The tenant holds no vault any more, deleted or live.
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(204);
  });

  it("is refused while purge protection holds, and the vault stays recoverable", async () => {
    const name = uniqueVaultName("sprot");
    const { tenantId, kv } = await newTenantWithVault(name, { enablePurgeProtection: true });
    await setSecret(kv, "s", { value: "protected" });
    await deleteVault(tenantId, name);
    expect((await deletedList(tenantId))[0]?.properties.purgeProtectionEnabled).toBe(true);
    const refused = await errorCode(await purge(tenantId, name));
    expect([refused.status, refused.code]).toStrictEqual([403, "Forbidden"]);
    expect(refused.message).toMatch(/^Operation 'DeletedVaultPurge' is not allowed/);
    expect(await rowsIn(name, "object_versions")).toBe(1);
    expect((await recover(tenantId, name)).status).toBe(200);
    expect((await kv.json<SecretBundle>("GET", "/secrets/s")).body.value).toBe("protected");
  });

  it("of a live vault or a bad name: 404 / 400, nothing changed", async () => {
    const name = uniqueVaultName("splive");
    const { tenantId, kv } = await newTenantWithVault(name);
    await setSecret(kv, "s", { value: "x" });
    const live = await errorCode(await purge(tenantId, name));
    expect([live.status, live.code]).toStrictEqual([404, "VaultNotFound"]);
    const bad = await errorCode(await purge(tenantId, "-bad-"));
    expect(bad.status).toBe(400);
    expect((await kv.json<SecretBundle>("GET", "/secrets/s")).body.value).toBe("x");
  });
});

describe("the scheduled purge (the registry's alarm, by its clock)", () => {
  it("leaves a deleted vault alone before its retention ends and purges it after, purge protection or not", async () => {
    const name = uniqueVaultName("ssch");
    const { tenantId, kv } = await newTenantWithVault(name, { softDeleteRetentionInDays: 7, enablePurgeProtection: true });
    await setSecret(kv, "s", { value: "x" });
    await deleteVault(tenantId, name);
    const purgeAt = Date.parse((await deletedList(tenantId))[0]?.properties.scheduledPurgeDate ?? "");
    const alarm = await runInDurableObject(registry(), (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm ?? 0).toBeLessThanOrEqual(purgeAt + 60 * 60 * 1000);

    await registryAlarmAt(purgeAt - 1000);
    expect((await deletedList(tenantId)).map((d) => d.name)).toStrictEqual([name]);
    expect(await rowsIn(name, "object_versions")).toBe(1);
    // Past its scheduled purge date it is the alarm's, no longer recoverable.
    await runInDurableObject(registry(), (instance) => {
      instance.clock = new ManualClock(purgeAt);
    });
    expect((await recover(tenantId, name)).status).toBe(404);

    await registryAlarmAt(purgeAt);
    expect(await deletedList(tenantId)).toStrictEqual([]);
    expect(await rowsIn(name, "object_versions")).toBe(0);
    // The alarm's purge is in the control-plane log, by the system.
    const audited = await runInDurableObject(registry(), (_i, state) =>
      state.storage.sql
        .exec("SELECT tenant_id, vault, caller_type, result_code FROM audit_log WHERE operation = 'DeletedVaultPurge'")
        .toArray(),
    );
    expect(audited).toStrictEqual([{ tenant_id: tenantId, vault: name, caller_type: "System", result_code: "Success" }]);
    const other = await createTenant();
    expect((await admin("PUT", vaultPath(other, name), {})).status).toBe(201);
    await runInDurableObject(registry(), (instance, state) => {
      instance.clock = { now: () => Date.now() };
      return state.storage.deleteAlarm();
    });
  });
});

describe("a vault body with ARM's access settings", () => {
  const acls = { defaultAction: "Deny", bypass: "None", ipRules: [{ value: "203.0.113.0/24" }] };
  const cors = { allowedOrigins: ["https://app.example"], allowedMethods: ["GET", "PUT"], allowedHeaders: ["*"], exposedHeaders: [], maxAgeInSeconds: 600 };

  it("is taken on creation and shown by PUT, GET and the list", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("sarm");
    const accessPolicies = [{ tenantId, objectId: crypto.randomUUID(), permissions: { secrets: ["get"], keys: [], certificates: [], storage: [] } }];
    const created = await admin("PUT", vaultPath(tenantId, name), { enableRbacAuthorization: false, accessPolicies, networkAcls: acls, cors, softDeleteRetentionInDays: 30 });
    expect(created.status).toBe(201);
    const expected = {
      name,
      enableRbacAuthorization: false,
      networkAcls: { ...acls, virtualNetworkRules: [] },
      cors,
      softDeleteRetentionInDays: 30,
      enablePurgeProtection: false,
    };
    expect(await created.json()).toMatchObject(expected);
    const got = (await (await admin("GET", vaultPath(tenantId, name))).json()) as { accessPolicies: { objectId: string }[] };
    expect(got).toMatchObject(expected);
    expect(got.accessPolicies.map((p) => p.objectId)).toStrictEqual([accessPolicies[0]?.objectId]);
    expect(((await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()) as { value: unknown[] }).value).toMatchObject([expected]);
    // A vault made without them shows the defaults.
    const plain = uniqueVaultName("splain");
    expect(await (await admin("PUT", vaultPath(tenantId, plain), {})).json()).toMatchObject({
      enableRbacAuthorization: true,
      accessPolicies: [],
      networkAcls: null,
      cors: null,
    });
  });

  it("refuses bad settings with a 400 before anything is made, by the settings' own validators", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("sbad");
    for (const body of [
      { networkAcls: { defaultAction: "Maybe" } },
      { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "300.1.1.1" }] } },
      { cors: { allowedOrigins: "https://app.example" } },
      { enableRbacAuthorization: "no" },
      { accessPolicies: [{ tenantId: crypto.randomUUID(), objectId: crypto.randomUUID(), permissions: {} }] },
      { createMode: 1 },
    ]) {
      const refused = await errorCode(await admin("PUT", vaultPath(tenantId, name), body));
      expect([refused.status, refused.code], JSON.stringify(body)).toStrictEqual([400, "BadParameter"]);
      expect((await admin("GET", vaultPath(tenantId, name))).status).toBe(404);
    }
    expect((await admin("PUT", vaultPath(tenantId, name), {})).status).toBe(201);
  });

  it("enablePurgeProtection: turned on by PATCH, never off again", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("spp");
    await createVault(tenantId, name);
    const settings = (body: unknown) => admin("PATCH", `${vaultPath(tenantId, name)}/settings`, body);
    expect((await settings({ enablePurgeProtection: false })).status).toBe(200);
    expect((await settings({ enablePurgeProtection: "yes" })).status).toBe(400);
    expect((await settings({ enablePurgeProtection: true })).status).toBe(200);
    expect(await (await admin("GET", vaultPath(tenantId, name))).json()).toMatchObject({ enablePurgeProtection: true });
    const refused = await errorCode(await settings({ enablePurgeProtection: false }));
    expect([refused.status, refused.code]).toStrictEqual([400, "BadParameter"]);
    expect(refused.message).toMatch(/cannot be set to false/);
    expect(await (await admin("GET", vaultPath(tenantId, name))).json()).toMatchObject({ enablePurgeProtection: true });
  });
});
