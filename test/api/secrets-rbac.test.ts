import { describe, expect, it } from "vitest";
import { assignRole, setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import {
  expectError,
  principalWithRole,
  setSecret,
  versionOf,
  type DeletedSecretBundle,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

/** An Administrator-run vault with a live secret "live" (two versions) and a soft-deleted "gone". */
async function vaultWithSecrets() {
  const vault = uniqueVaultName("rbac");
  const admin = await setupVault(vault);
  await setSecret(admin.kv, "live", { value: "first", tags: { t: "1" } });
  const latest = await setSecret(admin.kv, "live", { value: "second" });
  await setSecret(admin.kv, "gone", { value: "bye" });
  expect((await admin.kv.json("DELETE", "/secrets/gone")).status).toBe(200);
  const res = await admin.kv.json<{ value: string }>("POST", "/secrets/live/backup");
  expect(res.status).toBe(200);
  return { vault, admin, version: versionOf(latest.id), blob: res.body.value };
}

function expectRbacDenied(res: { status: number; body: unknown }, label: string, action: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(403);
  const error = expectError(res, 403, "Forbidden", "ForbiddenByRbac");
  expect(error.message, label).toContain(`Action: 'Microsoft.KeyVault/vaults/secrets/${action}'`);
}

type Op = { label: string; method: string; path: string; body?: unknown; action: string };

function allOps(version: string, blob: string): Op[] {
  return [
    { label: "set", method: "PUT", path: "/secrets/new", body: { value: "x" }, action: "setSecret/action" },
    { label: "get latest", method: "GET", path: "/secrets/live", action: "getSecret/action" },
    { label: "get version", method: "GET", path: `/secrets/live/${version}`, action: "getSecret/action" },
    { label: "update", method: "PATCH", path: `/secrets/live/${version}`, body: { tags: { x: "y" } }, action: "update/action" },
    { label: "list", method: "GET", path: "/secrets", action: "readMetadata/action" },
    { label: "list versions", method: "GET", path: "/secrets/live/versions", action: "readMetadata/action" },
    { label: "backup", method: "POST", path: "/secrets/live/backup", action: "backup/action" },
    { label: "restore", method: "POST", path: "/secrets/restore", body: { value: blob }, action: "restore/action" },
    { label: "delete", method: "DELETE", path: "/secrets/live", action: "delete" },
    { label: "list deleted", method: "GET", path: "/deletedsecrets", action: "readMetadata/action" },
    { label: "get deleted", method: "GET", path: "/deletedsecrets/gone", action: "readMetadata/action" },
    { label: "recover", method: "POST", path: "/deletedsecrets/gone/recover", action: "recover/action" },
    { label: "purge", method: "DELETE", path: "/deletedsecrets/gone", action: "purge/action" },
  ];
}

/** Checks, as the Administrator, that the vault is exactly as vaultWithSecrets left it. */
async function expectUnchanged(admin: VaultClient, version: string): Promise<void> {
  const list = await admin.json<ListResult>("GET", "/secrets");
  expect(list.body.value.map((i) => i.id.split("/").pop())).toEqual(["live"]);
  const latest = await admin.json<SecretBundle>("GET", "/secrets/live");
  expect(latest.body.value).toBe("second");
  expect(versionOf(latest.body.id)).toBe(version);
  expect(latest.body).not.toHaveProperty("tags");
  expect((await admin.json<ListResult>("GET", "/secrets/live/versions")).body.value).toHaveLength(2);
  expect((await admin.json("GET", "/deletedsecrets/gone")).status).toBe(200);
  expectError(await admin.json("GET", "/secrets/new"), 404, "SecretNotFound");
}

describe("Key Vault Secrets User", () => {
  it("can get values and list metadata", async () => {
    const { vault, admin, version } = await vaultWithSecrets();
    const { kv } = await principalWithRole(admin.tenantId, vault, "Key Vault Secrets User");
    expect((await kv.json<SecretBundle>("GET", "/secrets/live")).body.value).toBe("second");
    expect((await kv.json<SecretBundle>("GET", "/secrets/live/")).body.value).toBe("second");
    const old = await kv.json<SecretBundle>("GET", `/secrets/live/${version}`);
    expect(old.status).toBe(200);
    expect((await kv.json<ListResult>("GET", "/secrets")).status).toBe(200);
    expect((await kv.json<ListResult>("GET", "/secrets/live/versions")).body.value).toHaveLength(2);
    expect((await kv.json<ListResult>("GET", "/deletedsecrets")).status).toBe(200);
    expect((await kv.json<DeletedSecretBundle>("GET", "/deletedsecrets/gone")).status).toBe(200);
  });

  it("set, update, delete, backup, restore, recover and purge -> 403 Forbidden / ForbiddenByRbac; nothing changes", async () => {
    const { vault, admin, version, blob } = await vaultWithSecrets();
    const { kv, principal } = await principalWithRole(admin.tenantId, vault, "Key Vault Secrets User");
    const denied = allOps(version, blob).filter((op) =>
      ["set", "update", "backup", "restore", "delete", "recover", "purge"].includes(op.label),
    );
    for (const op of denied) {
      const res = await kv.json(op.method, op.path, op.body);
      expectRbacDenied(res, op.label, op.action);
      const message = (res.body as { error: { message: string } }).error.message;
      expect(message).toContain(`oid=${principal.id}`);
      expect(message).not.toContain("second");
    }
    await expectUnchanged(admin.kv, version);
  });
});

describe("Key Vault Reader", () => {
  it("lists metadata (secrets, versions, deleted) but cannot read values or change anything", async () => {
    const { vault, admin, version, blob } = await vaultWithSecrets();
    const { kv } = await principalWithRole(admin.tenantId, vault, "Key Vault Reader");
    const list = await kv.json<ListResult>("GET", "/secrets");
    expect(list.status).toBe(200);
    expect(list.body.value).toHaveLength(1);
    expect(list.body.value[0]).not.toHaveProperty("value");
    expect((await kv.json<ListResult>("GET", "/secrets/live/versions")).body.value).toHaveLength(2);
    expect((await kv.json<ListResult>("GET", "/deletedsecrets")).body.value).toHaveLength(1);

    for (const op of allOps(version, blob).filter((o) => !["list", "list versions", "list deleted", "get deleted"].includes(o.label))) {
      const res = await kv.json(op.method, op.path, op.body);
      expectRbacDenied(res, op.label, op.action);
      expect(JSON.stringify(res.body)).not.toContain("second");
    }
    await expectUnchanged(admin.kv, version);
  });
});

describe("Key Vault Secrets Officer", () => {
  it("can do every secrets operation", async () => {
    const { vault, admin, version, blob } = await vaultWithSecrets();
    const { kv } = await principalWithRole(admin.tenantId, vault, "Key Vault Secrets Officer");
    expect((await kv.json("PUT", "/secrets/new", { value: "x" })).status).toBe(200);
    expect((await kv.json<SecretBundle>("GET", "/secrets/live")).body.value).toBe("second");
    expect((await kv.json("GET", `/secrets/live/${version}`)).status).toBe(200);
    expect((await kv.json("PATCH", `/secrets/live/${version}`, { tags: { x: "y" } })).status).toBe(200);
    expect((await kv.json("GET", "/secrets")).status).toBe(200);
    expect((await kv.json("GET", "/secrets/live/versions")).status).toBe(200);
    expect((await kv.json("POST", "/secrets/new/backup")).status).toBe(200);
    expect((await kv.json("GET", "/deletedsecrets")).status).toBe(200);
    expect((await kv.json("GET", "/deletedsecrets/gone")).status).toBe(200);
    expect((await kv.json("POST", "/deletedsecrets/gone/recover")).status).toBe(200);
    expect((await kv.json("DELETE", "/secrets/gone")).status).toBe(200);
    expect((await kv.request("DELETE", "/deletedsecrets/gone")).status).toBe(204);
    expect((await kv.json("DELETE", "/secrets/live")).status).toBe(200);
    expect((await kv.request("DELETE", "/deletedsecrets/live")).status).toBe(204);
    const restored = await kv.json<SecretBundle>("POST", "/secrets/restore", { value: blob });
    expect(restored.status).toBe(200);
    expect(versionOf(restored.body.id)).toBe(version);
  });
});

describe("a principal with no role on the vault", () => {
  it("gets 403 ForbiddenByRbac on every operation, and a denied set creates nothing", async () => {
    const { vault, admin, version, blob } = await vaultWithSecrets();
    const { kv } = await principalWithRole(admin.tenantId, vault, null);
    for (const op of allOps(version, blob)) {
      const res = await kv.json(op.method, op.path, op.body);
      expectRbacDenied(res, op.label, op.action);
    }
    await expectUnchanged(admin.kv, version);
  });

  it("denials do not depend on whether the secret exists", async () => {
    const { vault, admin } = await vaultWithSecrets();
    const { kv } = await principalWithRole(admin.tenantId, vault, null);
    const existing = await kv.json("GET", "/secrets/live");
    const missing = await kv.json("GET", "/secrets/never-existed");
    expectRbacDenied(existing, "existing", "getSecret/action");
    expectRbacDenied(missing, "missing", "getSecret/action");
  });
});

describe("role changes", () => {
  it("a Secrets User's denied set creates nothing; the same set works once Officer is granted", async () => {
    const { vault, admin } = await vaultWithSecrets();
    const { kv, principal } = await principalWithRole(admin.tenantId, vault, "Key Vault Secrets User");
    expectRbacDenied(await kv.json("PUT", "/secrets/later", { value: "x" }), "set", "setSecret/action");
    expectError(await admin.kv.json("GET", "/secrets/later"), 404, "SecretNotFound");
    expectError(await admin.kv.json("GET", "/deletedsecrets/later"), 404, "SecretNotFound");

    await assignRole(admin.tenantId, vault, principal.id, "Key Vault Secrets Officer");
    expect((await kv.json("PUT", "/secrets/later", { value: "x" })).status).toBe(200);
  });
});
