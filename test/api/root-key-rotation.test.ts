/**
 * Root-key rotation, online (issue 18, docs/root-key-rotation.md): a second root key version is deployed, the
 * operator starts the sweep, the registry's alarm moves every tenant and vault to it a batch at a time while requests
 * go on; an interrupted sweep resumes; the old version can be retired only once nothing needs it, and is refused then.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { base64UrlToBytes } from "../../core/crypto/bytes.ts";
import { admin, tokenFor, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { errorCode } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  A_YEAR_MS,
  VERSION_2,
  deployRootKeys,
  deployRootKeysTo,
  registry,
  reopenVault,
  rootKeyStatus,
  setRegistryClock,
  storedRootVersion,
  sweepBatch,
} from "../support/root-keys.ts";
import { addVault, expectError, getAbsolute, newTenantWithVault, vaultObject, type ListResult } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

const put = async (kv: VaultClient, name: string, value: string) => expect((await kv.json("PUT", `/secrets/${name}`, { value })).status).toBe(200);
const valueOf = async (kv: VaultClient, name: string) => {
  const got = await kv.json<{ value: string }>("GET", `/secrets/${name}`);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  return got.body.value;
};
const backup = async (kv: VaultClient, name: string) => (await kv.json<{ value: string }>("POST", `/secrets/${name}/backup`)).body.value;
const rotate = (body?: unknown) => admin("POST", "/rootKeys/rotate", body);

describe("GET /admin/rootKeys before any rotation", () => {
  it("shows ROOT_KEY as the one, current version and no sweep; operator only", async () => {
    await newTenantWithVault(uniqueVaultName("rk0"));
    expect(await rootKeyStatus()).toStrictEqual({ current: 1, versions: [{ version: 1, state: "current" }], sweep: null });
    expect((await admin("GET", "/rootKeys", undefined, "not-the-operator-key")).status).toBe(401);
  });
});

describe("rotation during a stream of reads and writes", () => {
  it("moves the tenant and every vault to version 2; nothing fails, nothing is lost, old tokens and backups still open", async () => {
    const [a, b] = [uniqueVaultName("rka"), uniqueVaultName("rkb")];
    const { tenantId, kv, token } = await newTenantWithVault(a);
    const other = await addVault(tenantId, b);
    for (let i = 0; i < 5; i++) await put(kv, `before-${i}`, `value-${i}`);
    const pageOne = await kv.json<ListResult>("GET", "/secrets?maxresults=2");
    const oldBlob = await backup(kv, "before-0");

    await deployRootKeys(VERSION_2);
    await setRegistryClock(A_YEAR_MS);
    const started = await rotate();
    expect(started.status).toBe(202);
    const running = await started.json<Awaited<ReturnType<typeof rootKeyStatus>>>();
    expect(running.current).toBe(2);
    expect(running.versions).toStrictEqual([
      { version: 1, state: "readable" },
      { version: 2, state: "current" },
    ]);
    expect(running.sweep).toMatchObject({ target: 2, state: "running", moved: 0, remaining: 3, hsmKeyEncryptionKeys: false });

    // Writes and reads run while the alarm re-wraps the data keys underneath them.
    const stream = Array.from({ length: 20 }, async (_, i) => {
      await put(kv, `during-${i}`, `v-${i}`);
      expect(await valueOf(kv, `during-${i}`)).toBe(`v-${i}`);
      expect(await valueOf(kv, `before-${i % 5}`)).toBe(`value-${i % 5}`);
    });
    const [done] = await Promise.all([sweepBatch(), ...stream]);
    expect(done.sweep).toMatchObject({ state: "done", moved: 3, remaining: 0, remainingHolders: [] });
    expect([await storedRootVersion(a), await storedRootVersion(b)]).toStrictEqual([2, 2]);

    // Opened afresh from storage, the data key under version 2 opens every value, old and new.
    await reopenVault(a);
    for (let i = 0; i < 20; i++) expect(await valueOf(kv, `during-${i}`)).toBe(`v-${i}`);
    for (let i = 0; i < 5; i++) expect(await valueOf(kv, `before-${i}`)).toBe(`value-${i}`);
    // The tenant's data key moved too: it still signs tokens.
    expect(await tokenFor(other.principal.identityHeader as string)).toMatch(/^ey/);
    // A continuation token sealed under version 1 still pages; a backup made under it still restores elsewhere.
    expect((await getAbsolute(pageOne.body.nextLink as string, token)).status).toBe(200);
    expect((await other.kv.json("POST", "/secrets/restore", { value: oldBlob })).status).toBe(200);
    expect(await valueOf(other.kv, "before-0")).toBe("value-0");
    // New backups are sealed under version 2 and name it.
    expect(Array.from((base64UrlToBytes(await backup(kv, "during-0")) ?? new Uint8Array()).subarray(0, 5))).toStrictEqual([2, 0, 0, 0, 2]);
  });
});

describe("crash mid-rotation and resume", () => {
  it("a sweep stopped after a batch, and a vault that failed, are finished by later alarm runs; the failure is named meanwhile", async () => {
    const first = uniqueVaultName("rkc");
    const { tenantId, kv } = await newTenantWithVault(first);
    const names = [first];
    for (let i = 0; i < 11; i++) {
      names.push(uniqueVaultName(`rk${i}`));
      await admin("PUT", `/tenants/${tenantId}/vaults/${names[i + 1]}`, {});
    }
    await put(kv, "kept", "kept-value");
    await deployRootKeys(VERSION_2);
    const broken = names.sort()[names.length - 1] as string;
    await deployRootKeysTo(vaultObject(broken), "2:not-a-key");
    await setRegistryClock(A_YEAR_MS);
    expect((await rotate({ hsmKeyEncryptionKeys: false })).status).toBe(202);

    const afterOne = await sweepBatch();
    expect(afterOne.sweep).toMatchObject({ state: "running", moved: 10, remaining: 3 });
    // The registry goes away between batches (a deploy, an eviction): its state is all in storage.
    await runInDurableObject(registry(), (_instance, state) => state.blockConcurrencyWhile(async () => state.abort("restart for the rotation test"))).catch(() => undefined);
    await deployRootKeys(VERSION_2);
    await deployRootKeysTo(vaultObject(broken), "2:not-a-key");
    await setRegistryClock(A_YEAR_MS);
    const afterTwo = await sweepBatch();
    expect(afterTwo.sweep).toMatchObject({ state: "running", moved: 12, remaining: 1 });
    expect(afterTwo.sweep?.remainingHolders).toMatchObject([{ kind: "vault", name: broken, rootVersion: null }]);
    expect(afterTwo.sweep?.remainingHolders[0]?.lastError).toContain("32 bytes of base64");
    expect(await valueOf(kv, "kept")).toBe("kept-value");

    // Mended, and an hour later (the failed holder's retry), the sweep finishes.
    await deployRootKeysTo(vaultObject(broken), VERSION_2);
    await setRegistryClock(A_YEAR_MS + 61 * 60 * 1000);
    const finished = await sweepBatch();
    expect(finished.sweep).toMatchObject({ state: "done", moved: 13, remaining: 0 });
    for (const name of names) expect(await storedRootVersion(name)).toBe(2);
  });
});

describe("a running sweep without its alarm", () => {
  // The sweep runs from the registry's alarm; should the alarm go missing, any admin request sets it again (its
  // write-ahead audit record arms the alarm when none is set), reading the sweep's progress included.
  it("is armed again by reading its progress, and then finishes", async () => {
    await newTenantWithVault(uniqueVaultName("rkm"));
    await deployRootKeys(VERSION_2);
    await setRegistryClock(A_YEAR_MS);
    expect((await rotate({ hsmKeyEncryptionKeys: false })).status).toBe(202);
    const alarm = () => runInDurableObject(registry(), (_instance, state) => state.storage.getAlarm());
    await runInDurableObject(registry(), (_instance, state) => state.storage.deleteAlarm());
    expect(await alarm()).toBeNull();

    expect((await rootKeyStatus()).sweep?.state).toBe("running");
    expect(await alarm()).not.toBeNull();
    let status = await sweepBatch();
    for (let batch = 0; status.sweep?.state !== "done" && batch < 20; batch++) status = await sweepBatch();
    expect(status.sweep).toMatchObject({ state: "done", remaining: 0 });
  });
});

describe("POST /admin/rootKeys/{version}/retire", () => {
  it("is refused naming what still needs the version, allowed once the sweep is done, and the version is refused after", async () => {
    const vault = uniqueVaultName("rkr");
    const { tenantId, kv, token } = await newTenantWithVault(vault);
    await put(kv, "s", "before-retire");
    const blob = await backup(kv, "s");
    await put(kv, "t", "second");
    const listed = await kv.json<ListResult>("GET", "/secrets?maxresults=1");
    await deployRootKeys(VERSION_2);
    await setRegistryClock(A_YEAR_MS);

    const refused = await errorCode(await admin("POST", "/rootKeys/1/retire"));
    expect([refused.status, refused.code]).toStrictEqual([409, "Conflict"]);
    expect(refused.message).toContain(`vault '${vault}'`);
    expect(refused.message).toContain(`tenant '${tenantId}'`);
    expect((await rootKeyStatus()).versions[0]).toStrictEqual({ version: 1, state: "readable" });

    expect((await rotate()).status).toBe(202);
    expect((await sweepBatch()).sweep?.state).toBe("done");
    const current = await errorCode(await admin("POST", "/rootKeys/2/retire"));
    expect([current.status, current.code]).toStrictEqual([409, "Conflict"]);
    expect([(await errorCode(await admin("POST", "/rootKeys/9/retire"))).status, (await admin("POST", "/rootKeys/x1/retire")).status]).toStrictEqual([404, 400]);

    const retired = await admin("POST", "/rootKeys/1/retire");
    expect(retired.status).toBe(200);
    expect((await retired.json<Awaited<ReturnType<typeof rootKeyStatus>>>()).versions[0]).toStrictEqual({ version: 1, state: "retired" });
    expect((await admin("POST", "/rootKeys/1/retire")).status).toBe(200);
    // The retirement's own sweep tells every vault; from then on what version 1 sealed is refused.
    expect((await sweepBatch()).sweep?.state).toBe("done");
    expectError(await kv.json("POST", "/secrets/restore", { value: blob }), 400, "Malformed backup blob");
    expectError(await getAbsolute(listed.body.nextLink as string, token), 400, "BadParameter");
    expect(await valueOf(kv, "s")).toBe("before-retire");

    const audit = await (await admin("GET", "/auditLog")).json<{ value: { operationName: string; httpStatusCode: number }[] }>();
    const rootKeyRecords = audit.value.filter((r) => r.operationName.startsWith("RootKey")).map((r) => `${r.operationName} ${r.httpStatusCode}`);
    expect(rootKeyRecords).toEqual(expect.arrayContaining(["RootKeyRetire 409", "RootKeyRotate 202", "RootKeyRetire 200"]));
  });

  it("refuses a malformed sweep request with 400 and starts nothing", async () => {
    await newTenantWithVault(uniqueVaultName("rkb"));
    const refused = await errorCode(await rotate({ hsmKeyEncryptionKeys: "yes" }));
    expect([refused.status, refused.code]).toStrictEqual([400, "BadParameter"]);
    expect((await rootKeyStatus()).sweep).toBeNull();
  });
});
