import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DAY_MS, ManualClock } from "../../core/domain/clock.ts";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { auditPruneAlarm } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

const vaultStub = (name: string) => env.VAULT.get(env.VAULT.idFromName(name.toLowerCase()));

/** Far enough ahead that no alarm set from it can fire on its own during the test. */
const T1 = Date.now() + 365 * DAY_MS;

async function setClock(name: string, ms: number): Promise<void> {
  await runInDurableObject(vaultStub(name), (instance) => {
    instance.clock = new ManualClock(ms);
  });
}

/** The tests run a year ahead; a ten-year audit retention keeps audit pruning out of their way. */
async function setupVaultWithLongAudit(name: string) {
  const client = await setupVault(name, "Key Vault Administrator", { softDeleteRetentionInDays: 7 });
  const updated = await vaultStub(name).updateOperationalSettings({ auditRetentionDays: 3650 });
  expect(updated.ok).toBe(true);
  return client;
}

const getAlarm = (name: string) => runInDurableObject(vaultStub(name), (_instance, state) => state.storage.getAlarm());

async function runAlarmAt(name: string, ms: number): Promise<void> {
  await runInDurableObject(vaultStub(name), async (instance) => {
    instance.clock = new ManualClock(ms);
    await instance.alarm();
  });
}

async function deleteAt(name: string, kv: VaultClient, secret: string, ms: number): Promise<number> {
  await setClock(name, ms);
  const deleted = await kv.json<{ scheduledPurgeDate: number; deletedDate: number }>("DELETE", `/secrets/${secret}`);
  expect(deleted.status).toBe(200);
  expect(deleted.body.deletedDate).toBe(Math.floor(ms / 1000));
  return deleted.body.scheduledPurgeDate;
}

const deletedStatus = async (kv: VaultClient, secret: string) => (await kv.request("GET", `/deletedsecrets/${secret}`)).status;

describe("purge alarm", () => {
  it("points at the earliest scheduled purge, moves on after each purge, and is cleared after the last", async () => {
    const name = uniqueVaultName("alarm");
    const { kv } = await setupVaultWithLongAudit(name);
    for (const secret of ["first", "second", "kept"]) expect((await kv.json("PUT", `/secrets/${secret}`, { value: secret })).status).toBe(200);
    expect(await getAlarm(name)).toBe(await auditPruneAlarm(name));

    const purge1 = await deleteAt(name, kv, "first", T1);
    expect(purge1).toBe(Math.floor(T1 / 1000) + 7 * 86_400);
    expect(await getAlarm(name)).toBe(purge1 * 1000);

    const purge2 = await deleteAt(name, kv, "second", T1 + 2 * DAY_MS);
    expect(purge2).toBe(purge1 + 2 * 86_400);
    expect(await getAlarm(name)).toBe(purge1 * 1000);

    // An early wake-up purges nothing and keeps the schedule.
    await runAlarmAt(name, purge1 * 1000 - 1000);
    expect(await deletedStatus(kv, "first")).toBe(200);
    expect(await getAlarm(name)).toBe(purge1 * 1000);

    await runAlarmAt(name, purge1 * 1000);
    expect(await deletedStatus(kv, "first")).toBe(404);
    expect(await deletedStatus(kv, "second")).toBe(200);
    expect(await getAlarm(name)).toBe(purge2 * 1000);

    await runAlarmAt(name, purge2 * 1000 + 1000);
    expect(await deletedStatus(kv, "second")).toBe(404);
    expect(await getAlarm(name)).toBe(await auditPruneAlarm(name));

    // The live secret was never touched, and the purged names are free again.
    expect((await kv.json<{ value: string }>("GET", "/secrets/kept")).body.value).toBe("kept");
    expect((await kv.json("PUT", "/secrets/first", { value: "again" })).status).toBe(200);
  });

  it("purges everything that is due in one run", async () => {
    const name = uniqueVaultName("alarmall");
    const { kv } = await setupVaultWithLongAudit(name);
    for (const secret of ["a", "b"]) expect((await kv.json("PUT", `/secrets/${secret}`, { value: secret })).status).toBe(200);
    await deleteAt(name, kv, "a", T1);
    const purgeB = await deleteAt(name, kv, "b", T1 + DAY_MS);
    await runAlarmAt(name, purgeB * 1000 + 5 * DAY_MS);
    expect(await deletedStatus(kv, "a")).toBe(404);
    expect(await deletedStatus(kv, "b")).toBe(404);
    expect(await getAlarm(name)).toBe(await auditPruneAlarm(name));
  });

  it("follows recover and purge: the alarm moves to the next remaining deletion or is cleared", async () => {
    const name = uniqueVaultName("alarmrec");
    const { kv } = await setupVaultWithLongAudit(name);
    for (const secret of ["x", "y"]) expect((await kv.json("PUT", `/secrets/${secret}`, { value: secret })).status).toBe(200);
    const purgeX = await deleteAt(name, kv, "x", T1);
    const purgeY = await deleteAt(name, kv, "y", T1 + 3 * DAY_MS);
    expect(await getAlarm(name)).toBe(purgeX * 1000);

    expect((await kv.json("POST", "/deletedsecrets/x/recover")).status).toBe(200);
    expect(await getAlarm(name)).toBe(purgeY * 1000);

    expect((await kv.request("DELETE", "/deletedsecrets/y")).status).toBe(204);
    expect(await getAlarm(name)).toBe(await auditPruneAlarm(name));
  });
});
