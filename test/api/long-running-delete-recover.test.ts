/**
 * Delete and recover are long-running as in Azure (docs/long-running-operations.md): on a vault with the default
 * `longRunningOperations: "azure"` the name is in neither collection until one second after the call, and the SDKs'
 * pollers see that in-progress state on their first poll. The vault clock is moved, never slept on.
 */
import { describe, expect, it } from "vitest";
import { admin, setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { expectError, setSecret, setVaultClock, type ListResult } from "../support/secrets.ts";

const T0 = Date.UTC(2031, 2, 3, 4, 5, 6);
const DELAY_MS = 1_000;

async function azureVault(prefix: string) {
  const vault = uniqueVaultName(prefix);
  const setup = await setupVault(vault, "Key Vault Administrator", {}, "azure");
  await setVaultClock(vault, T0);
  return { vault, ...setup };
}

const names = async (kv: VaultClient, path: string): Promise<string[]> =>
  (await kv.json<ListResult<{ id: string }>>("GET", path)).body.value.map((item) => item.id.split("/")[4] ?? "");

describe("delete (secrets, on an Azure-timed vault)", () => {
  it("leaves the live collection at once and enters the deleted one when it completes, one second later", async () => {
    const { vault, kv } = await azureVault("lrod");
    await setSecret(kv, "db", { value: "v" });
    const deleted = await kv.json<{ recoveryId: string }>("DELETE", "/secrets/db");
    expect(deleted.status).toBe(200);
    expect(deleted.body.recoveryId).toBe(`${kv.baseUrl}/deletedsecrets/db`);

    // In progress: not live, not deleted yet (recorded: 404 SecretNotFound "Deleted Secret not found: db").
    const early = expectError(await kv.json("GET", "/deletedsecrets/db"), 404, "SecretNotFound");
    expect(early.message).toBe("Deleted Secret not found: db");
    expectError(await kv.json("GET", "/secrets/db"), 404, "SecretNotFound");
    expect(await names(kv, "/deletedsecrets")).toEqual([]);
    expect(await names(kv, "/secrets")).toEqual([]);
    // A second delete is the live collection's 404, as Azure answers it.
    expectError(await kv.json("DELETE", "/secrets/db"), 404, "SecretNotFound");

    await setVaultClock(vault, T0 + DELAY_MS - 1);
    expectError(await kv.json("GET", "/deletedsecrets/db"), 404, "SecretNotFound");
    await setVaultClock(vault, T0 + DELAY_MS);
    expect((await kv.json("GET", "/deletedsecrets/db")).status).toBe(200);
    expect(await names(kv, "/deletedsecrets")).toEqual(["db"]);
  });

  it("refuses writes to the name, its purge and its recovery while in progress, with Azure's 409s, and changes nothing", async () => {
    const { vault, kv } = await azureVault("lrod");
    await setSecret(kv, "busy", { value: "v" });
    await kv.json("DELETE", "/secrets/busy");

    const set = expectError(await kv.json("PUT", "/secrets/busy", { value: "again" }), 409, "Conflict", "ObjectIsBeingDeleted");
    expect(set.message).toBe("Secret busy is currently being deleted and cannot be re-created; retry later.");
    const purge = expectError(await kv.json("DELETE", "/deletedsecrets/busy"), 409, "Conflict", "ObjectIsBeingDeleted");
    expect(purge.message).toBe("Secret is currently being deleted.");
    expectError(await kv.json("POST", "/deletedsecrets/busy/recover"), 409, "Conflict", "ObjectIsBeingDeleted");

    await setVaultClock(vault, T0 + DELAY_MS);
    const done = await kv.json<{ value?: string }>("GET", "/deletedsecrets/busy");
    expect(done.status).toBe(200);
    // Once deleted, the name is Azure's "deleted but recoverable" conflict.
    expectError(await kv.json("PUT", "/secrets/busy", { value: "again" }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
    expect((await kv.json("DELETE", "/deletedsecrets/busy")).status).toBe(204);
  });
});

describe("recover (secrets, on an Azure-timed vault)", () => {
  it("leaves the deleted collection at once and is live again one second later; writes meanwhile are Azure's 409", async () => {
    const { vault, kv } = await azureVault("lror");
    await setSecret(kv, "back", { value: "v1" });
    await kv.json("DELETE", "/secrets/back");
    await setVaultClock(vault, T0 + DELAY_MS);
    expect((await kv.json("POST", "/deletedsecrets/back/recover")).status).toBe(200);

    const early = expectError(await kv.json("GET", "/secrets/back"), 404, "SecretNotFound");
    expect(early.message).toMatch(/^A secret with \(name\/id\) back was not found in this key vault\./);
    expectError(await kv.json("GET", "/deletedsecrets/back"), 404, "SecretNotFound");
    expect(await names(kv, "/secrets")).toEqual([]);
    expect(await names(kv, "/deletedsecrets")).toEqual([]);
    expect((await kv.json<ListResult>("GET", "/secrets/back/versions")).body.value).toEqual([]);
    const set = expectError(await kv.json("PUT", "/secrets/back", { value: "v2" }), 409, "Conflict", "ObjectIsBeingRecovered");
    expect(set.message).toBe("Secret back is currently being recovered and cannot be re-created; retry later.");
    expectError(await kv.json("DELETE", "/secrets/back"), 404, "SecretNotFound");

    await setVaultClock(vault, T0 + 2 * DELAY_MS);
    const live = await kv.json<{ value: string }>("GET", "/secrets/back");
    expect([live.status, live.body.value]).toEqual([200, "v1"]);
    expect(await names(kv, "/secrets")).toEqual(["back"]);
  });
});

describe("keys and certificates follow the same life cycle", () => {
  it("a key's delete and recover are in progress for one second each", async () => {
    const { vault, kv } = await azureVault("lrok");
    expect((await kv.json("POST", "/keys/k/create", { kty: "EC" })).status).toBe(200);
    expect((await kv.json("DELETE", "/keys/k")).status).toBe(200);
    expect(expectError(await kv.json("GET", "/deletedkeys/k"), 404, "KeyNotFound").message).toBe("Deleted Key not found: k");
    expect(expectError(await kv.json("DELETE", "/deletedkeys/k"), 409, "Conflict", "ObjectIsBeingDeleted").message).toBe("Key is currently being deleted.");
    await setVaultClock(vault, T0 + DELAY_MS);
    expect((await kv.json("POST", "/deletedkeys/k/recover")).status).toBe(200);
    expectError(await kv.json("POST", "/keys/k//sign", { alg: "ES256", value: "A".repeat(43) }), 404, "KeyNotFound");
    await setVaultClock(vault, T0 + 2 * DELAY_MS);
    expect((await kv.json("GET", "/keys/k")).status).toBe(200);
  });

  it("a certificate takes its managed key and secret through the same states", async () => {
    const { vault, kv } = await azureVault("lroc");
    const policy = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=c" }, issuer: { name: "Self" } };
    expect((await kv.json("POST", "/certificates/c/create", { policy })).status).toBe(202);
    await setVaultClock(vault, T0 + DELAY_MS);
    expect((await kv.json("GET", "/certificates/c")).status).toBe(200);
    await setVaultClock(vault, T0 + 10 * DELAY_MS);
    expect((await kv.json("DELETE", "/certificates/c")).status).toBe(200);
    expect(expectError(await kv.json("GET", "/deletedcertificates/c"), 404, "CertificateNotFound").message).toBe("Deleted Certificate not found: c");
    expectError(await kv.json("GET", "/deletedsecrets/c"), 404, "SecretNotFound");
    expectError(await kv.json("GET", "/deletedkeys/c"), 404, "KeyNotFound");
    await setVaultClock(vault, T0 + 11 * DELAY_MS);
    for (const path of ["/deletedcertificates/c", "/deletedsecrets/c", "/deletedkeys/c"]) expect((await kv.json("GET", path)).status).toBe(200);
    expect((await kv.json("POST", "/deletedcertificates/c/recover")).status).toBe(200);
    for (const path of ["/certificates/c", "/secrets/c", "/keys/c"]) expect((await kv.json("GET", path)).status).toBe(404);
    await setVaultClock(vault, T0 + 12 * DELAY_MS);
    for (const path of ["/certificates/c", "/secrets/c", "/keys/c"]) expect((await kv.json("GET", path)).status).toBe(200);
  });
});

describe("the vault setting", () => {
  it("`immediate` completes delete and recover at once; the admin API reports and validates the setting", async () => {
    const vault = uniqueVaultName("lroi");
    const { tenantId, kv } = await setupVault(vault, "Key Vault Administrator", {}, "azure");
    const settings = `/tenants/${tenantId}/vaults/${vault}/settings`;
    expect(((await (await admin("GET", settings)).json()) as { longRunningOperations: string }).longRunningOperations).toBe("azure");
    const bad = await admin("PATCH", settings, { longRunningOperations: "soon" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("longRunningOperations must be one of 'azure', 'immediate'.");
    expect((await admin("PATCH", settings, { longRunningOperations: "immediate" })).status).toBe(200);

    await setSecret(kv, "s", { value: "v" });
    await kv.json("DELETE", "/secrets/s");
    expect((await kv.json("GET", "/deletedsecrets/s")).status).toBe(200);
    await kv.json("POST", "/deletedsecrets/s/recover");
    expect((await kv.json("GET", "/secrets/s")).status).toBe(200);
  });
});
