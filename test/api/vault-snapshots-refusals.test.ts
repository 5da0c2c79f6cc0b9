/**
 * What whole-vault snapshots refuse (issue 18, docs/vault-snapshots.md), each with nothing changed: a restore that
 * fails part-way (a snapshot that authenticates but holds a row the schema refuses, after whole tables were
 * already replaced) leaves the target as it was; another tenant neither sees nor restores a tenant's snapshots, and
 * a blob moved into its prefix does not open; altered or truncated blobs are 400. Point-in-time restore is
 * feature-detected: local workerd has no point-in-time recovery, which the admin API answers as a 400 naming why.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, admin, createPrincipal, createTenant, tokenFor, uniqueVaultName } from "../support/fixture.ts";
import { expectError, newTenantWithVault, setSecret, vaultObject } from "../support/secrets.ts";
import { putRawSnapshot, rawSnapshot, restoreSnapshot, rewriteSnapshot, snapshotsPath, takeSnapshot } from "../support/snapshots.ts";
import { bookmarkRestore } from "../../durable-objects/vault/point-in-time.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
failOnlyOnTrulyUnhandledRejections();

async function jsonOf(response: Response) {
  const text = await response.text();
  return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as never };
}

/** A vault with contacts (a one-row table) and a secret, a snapshot of it, then a change made after the snapshot. */
async function snapshottedVault(prefix: string) {
  const name = uniqueVaultName(prefix);
  const setup = await newTenantWithVault(name);
  await setSecret(setup.kv, "kept", { value: "in-the-snapshot" });
  expect((await setup.kv.json("PUT", "/certificates/contacts", { contacts: [{ email: "ops@example.com" }] })).status).toBe(200);
  const snapshot = await takeSnapshot(setup.tenantId, name);
  await setSecret(setup.kv, "later", { value: "after-the-snapshot" });
  return { ...setup, name, snapshot };
}

/** The vault still holds the change made after the snapshot, and only it. */
async function expectUnchanged(vault: Awaited<ReturnType<typeof snapshottedVault>>): Promise<void> {
  expect((await vault.kv.json<{ value: string }>("GET", "/secrets/later")).body.value).toBe("after-the-snapshot");
  const names = await runInDurableObject(vaultObject(vault.name), (_i, state) =>
    state.storage.sql.exec<{ name: string }>("SELECT name FROM objects ORDER BY name").toArray().map((r) => r.name),
  );
  expect(names).toStrictEqual(["kept", "later"]);
}

describe("a restore that fails part-way", () => {
  it("in place: the row the schema refuses comes after objects were replaced, and the vault is as it was", async () => {
    const vault = await snapshottedVault("snapcrash");
    // certificate_contacts is applied after objects and versions: its second row breaks CHECK (id = 1).
    await rewriteSnapshot(vault.tenantId, vault.name, vault.snapshot.name, (payload) => {
      const contacts = payload.tables.certificate_contacts;
      contacts?.rows.push([2, "[]"]);
    });
    const refused = await jsonOf(await restoreSnapshot(vault.tenantId, vault.name, vault.snapshot.name, { confirm: vault.name }));
    expectError(refused, 400, "BadParameter");
    await expectUnchanged(vault);
  });

  it("into a new vault: no vault is made and its name stays free", async () => {
    const vault = await snapshottedVault("snapcrnew");
    await rewriteSnapshot(vault.tenantId, vault.name, vault.snapshot.name, (payload) => payload.tables.certificate_contacts?.rows.push([2, "[]"]));
    const target = uniqueVaultName("snapcrtgt");
    expectError(await jsonOf(await restoreSnapshot(vault.tenantId, vault.name, vault.snapshot.name, { targetVault: target })), 400, "BadParameter");
    expect((await admin("GET", `/tenants/${vault.tenantId}/vaults/${target}`)).status).toBe(404);
    const rows = await runInDurableObject(vaultObject(target), (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM objects").one().n);
    expect(rows).toBe(0);
    expect((await admin("PUT", `/tenants/${vault.tenantId}/vaults/${target}`, {})).status).toBe(201);
  });
});

describe("another tenant", () => {
  it("cannot list, read or restore a tenant's snapshots, and a blob moved into its own prefix does not open", async () => {
    const vault = await snapshottedVault("snapiso");
    const other = await createTenant();
    const otherAdmin = await createPrincipal(other, "managedIdentity", { tenantAdmin: true });
    const otherToken = await tokenFor(otherAdmin.identityHeader as string, `${ISSUER_ORIGIN}/admin`);
    const ownAdmin = await createPrincipal(vault.tenantId, "managedIdentity", { tenantAdmin: true });
    const ownToken = await tokenFor(ownAdmin.identityHeader as string, `${ISSUER_ORIGIN}/admin`);

    // The tenant's own admin may; the other tenant's is refused as an invalid credential is.
    expect((await admin("GET", snapshotsPath(vault.tenantId, vault.name), undefined, ownToken)).status).toBe(200);
    for (const [method, path, body] of [
      ["GET", snapshotsPath(vault.tenantId, vault.name), undefined],
      ["GET", `${snapshotsPath(vault.tenantId, vault.name)}/${vault.snapshot.name}`, undefined],
      ["POST", `${snapshotsPath(vault.tenantId, vault.name)}/${vault.snapshot.name}/restore`, { targetVault: uniqueVaultName("snapsteal") }],
    ] as const) {
      expectError(await jsonOf(await admin(method, path, body, otherToken)), 401, "Unauthorized");
    }
    // Under its own tenant the same names find nothing.
    expect(await (await admin("GET", snapshotsPath(other, vault.name), undefined, otherToken)).json()).toStrictEqual({ value: [] });
    const steal = { targetVault: uniqueVaultName("snapsteal") };
    expectError(await jsonOf(await restoreSnapshot(other, vault.name, vault.snapshot.name, steal)), 404, "NotFound");

    // The blob copied into the other tenant's prefix is bound to its own tenant: it does not open there.
    await putRawSnapshot(other, vault.name, vault.snapshot.name, await rawSnapshot(vault.tenantId, vault.name, vault.snapshot.name));
    expectError(await jsonOf(await restoreSnapshot(other, vault.name, vault.snapshot.name, steal)), 400, "BadParameter");
    expect((await admin("GET", `/tenants/${other}/vaults/${steal.targetVault}`)).status).toBe(404);
  });
});

describe("an altered or truncated snapshot", () => {
  it.each([
    ["a flipped byte", (b: Uint8Array) => b.map((v, i) => (i === Math.floor(b.length / 2) ? v ^ 1 : v))],
    ["truncated", (b: Uint8Array) => b.subarray(0, b.length - 40)],
    ["only its header", (b: Uint8Array) => b.subarray(0, 10)],
  ])("%s is 400 and the vault is unchanged", async (_what, damage) => {
    const vault = await snapshottedVault("snaptamp");
    const raw = await rawSnapshot(vault.tenantId, vault.name, vault.snapshot.name);
    await putRawSnapshot(vault.tenantId, vault.name, vault.snapshot.name, damage(raw));
    const refused = await jsonOf(await restoreSnapshot(vault.tenantId, vault.name, vault.snapshot.name, { confirm: vault.name }));
    expectError(refused, 400, "BadParameter");
    await expectUnchanged(vault);
  });
});

describe("point-in-time restore", () => {
  it("is refused locally with the back-end's reason (400), after the confirmation and time are checked", async () => {
    const name = uniqueVaultName("snappitr");
    const { tenantId, kv } = await newTenantWithVault(name);
    await setSecret(kv, "kept", { value: "still-here" });
    const path = `/tenants/${tenantId}/vaults/${name}/pointInTimeRestore`;
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect(expectError(await jsonOf(await admin("POST", path, { time: hourAgo })), 400, "BadParameter").message).toContain(`"confirm": "${name}"`);
    expectError(await jsonOf(await admin("POST", path, { time: "yesterday", confirm: name })), 400, "BadParameter");
    const tooOld = new Date(Date.now() - 31 * 86_400_000).toISOString();
    expect(expectError(await jsonOf(await admin("POST", path, { time: tooOld, confirm: name })), 400, "BadParameter").message).toContain("30 days");

    const refused = expectError(await jsonOf(await admin("POST", path, { time: hourAgo, confirm: name })), 400, "BadParameter");
    expect(refused.message).toMatch(/^Point-in-time restore is not available: .*point-in-time recovery/);
    expect((await kv.json<{ value: string }>("GET", "/secrets/kept")).body.value).toBe("still-here");
  });

  it("books the restore where the back-end offers it, and names the lack where it does not", async () => {
    const now = Date.UTC(2026, 11, 7);
    const booked: string[] = [];
    const offering = {
      getBookmarkForTime: async (at: number | Date) => `bookmark-${Number(at)}`,
      onNextSessionRestoreBookmark: async (bookmark: string) => {
        booked.push(bookmark);
        return bookmark;
      },
    } as unknown as DurableObjectStorage;
    expect(await bookmarkRestore(offering, now - 1000, now)).toStrictEqual({ ok: true, value: { bookmark: `bookmark-${now - 1000}` } });
    expect(booked).toStrictEqual([`bookmark-${now - 1000}`]);

    const lacking = await bookmarkRestore({} as DurableObjectStorage, now - 1000, now);
    expect(lacking.ok ? null : lacking.error.message).toContain("no point-in-time recovery");
    expect(booked).toHaveLength(1);
  });
});
