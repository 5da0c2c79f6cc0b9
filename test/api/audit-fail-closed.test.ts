import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { vaultClient, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { newTenantWithVault, vaultObject } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

/** Makes every audit insert fail, as a full or broken store would. */
const REFUSE_AUDIT = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END";

const versionCount = (vault: string) =>
  runInDurableObject(vaultObject(vault), (_instance, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM object_versions").one().n,
  );

describe("the data plane fails closed on audit", () => {
  it("when the record cannot be written: a write does not happen and a read returns nothing", async () => {
    const vault = uniqueVaultName("afc");
    const { kv } = await newTenantWithVault(vault);
    expect((await kv.json("PUT", "/secrets/kept", { value: "visible" })).status).toBe(200);
    expect(await versionCount(vault)).toBe(1);

    await runInDurableObject(vaultObject(vault), (_instance, state) => state.storage.sql.exec(REFUSE_AUDIT));
    const write = await kv.json<{ error: { code: string } }>("PUT", "/secrets/unrecorded", { value: "never stored" });
    expect([write.status, write.body.error.code]).toEqual([503, "ServiceUnavailable"]);
    const read = await kv.request("GET", "/secrets/kept");
    expect(read.status).toBe(503);
    expect(await read.text()).not.toContain("visible");
    // Refused before the vault object (no token): the Worker's record fails too, so no 401 goes out unrecorded.
    expect((await vaultClient(vault, null).request("GET", "/secrets/kept")).status).toBe(503);
    expect(await versionCount(vault)).toBe(1);

    await runInDurableObject(vaultObject(vault), (_instance, state) => state.storage.sql.exec("DROP TRIGGER refuse_audit"));
    expect((await kv.json("GET", "/secrets/unrecorded")).status).toBe(404);
    expect((await kv.json<{ value: string }>("GET", "/secrets/kept")).body.value).toBe("visible");
  });
});
