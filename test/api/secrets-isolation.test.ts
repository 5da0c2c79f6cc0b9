import { describe, expect, it } from "vitest";
import { setupVault, vaultClient, uniqueVaultName } from "../support/fixture.ts";
import {
  addVault,
  expectError,
  principalWithRole,
  readJson,
  setSecret,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

describe("tenant isolation", () => {
  it("tenant A's token against tenant B's vault -> 401 with B's challenge, on every operation", async () => {
    const vaultA = uniqueVaultName("isoa");
    const vaultB = uniqueVaultName("isob");
    const a = await setupVault(vaultA);
    const b = await setupVault(vaultB);
    await setSecret(b.kv, "b-secret", { value: "tenant-b-only" });

    const intruder = vaultClient(vaultB, a.token);
    const calls: Array<[string, string, unknown?]> = [
      ["GET", "/secrets/b-secret"],
      ["GET", "/secrets"],
      ["PUT", "/secrets/planted", { value: "x" }],
      ["DELETE", "/secrets/b-secret"],
      ["POST", "/secrets/b-secret/backup"],
      ["GET", "/deletedsecrets"],
    ];
    for (const [method, path, body] of calls) {
      const res = await intruder.json(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expectError(res, 401, "Unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toBe(
        `Bearer authorization="https://localhost:8443/${b.tenantId}", resource="https://vault.localhost:8443"`,
      );
      expect(JSON.stringify(res.body)).not.toContain("tenant-b-only");
    }
    // Nothing happened in B.
    expect((await b.kv.json<SecretBundle>("GET", "/secrets/b-secret")).body.value).toBe("tenant-b-only");
    expectError(await b.kv.json("GET", "/secrets/planted"), 404, "SecretNotFound");
    // And B's token is equally refused by A's vault.
    expect((await vaultClient(vaultA, b.token).json("GET", "/secrets")).status).toBe(401);
  });

  it("the 401 for a foreign token does not differ between an existing and a missing secret name", async () => {
    const vaultA = uniqueVaultName("isoa");
    const vaultB = uniqueVaultName("isob");
    const a = await setupVault(vaultA);
    const b = await setupVault(vaultB);
    await setSecret(b.kv, "exists", { value: "v" });
    await setSecret(b.kv, "deleted", { value: "v" });
    await b.kv.json("DELETE", "/secrets/deleted");
    const intruder = vaultClient(vaultB, a.token);

    const shape = async (method: string, path: string, body?: unknown) => {
      const res = await intruder.request(method, path, body);
      const text = await res.text();
      return { status: res.status, body: text, challenge: res.headers.get("WWW-Authenticate"), type: res.headers.get("Content-Type") };
    };
    for (const [method, suffix, body] of [
      ["GET", "", undefined],
      ["GET", "/versions", undefined],
      ["PUT", "", { value: "x" }],
      ["DELETE", "", undefined],
    ] as const) {
      const existing = await shape(method, `/secrets/exists${suffix}`, body);
      const missing = await shape(method, `/secrets/missing${suffix}`, body);
      const deleted = await shape(method, `/secrets/deleted${suffix}`, body);
      expect(existing.status).toBe(401);
      expect(missing).toEqual(existing);
      expect(deleted).toEqual(existing);
    }
    const deletedExisting = await shape("GET", "/deletedsecrets/deleted");
    expect(deletedExisting.status).toBe(401);
    expect(await shape("GET", "/deletedsecrets/missing")).toEqual(deletedExisting);
  });

  it("a backup blob from tenant A cannot be restored by tenant B, and B learns nothing of its content", async () => {
    const a = await setupVault(uniqueVaultName("isoa"));
    const b = await setupVault(uniqueVaultName("isob"));
    await setSecret(a.kv, "portable", { value: "a-secret-value" });
    const blob = (await a.kv.json<{ value: string }>("POST", "/secrets/portable/backup")).body.value;
    const res = await b.kv.json("POST", "/secrets/restore", { value: blob });
    expectError(res, 400, "Malformed backup blob");
    expect(JSON.stringify(res.body)).not.toContain("a-secret-value");
    expect(JSON.stringify(res.body)).not.toContain("portable");
    expect((await b.kv.json<ListResult>("GET", "/secrets")).body.value).toEqual([]);
  });
});

describe("vault isolation within a tenant", () => {
  it("two vaults keep separate secrets under the same name", async () => {
    const vault1 = uniqueVaultName("isov");
    const vault2 = uniqueVaultName("isow");
    const first = await setupVault(vault1);
    const second = await addVault(first.tenantId, vault2);
    const s1 = await setSecret(first.kv, "shared-name", { value: "value-in-1" });
    const s2 = await setSecret(second.kv, "shared-name", { value: "value-in-2" });
    expect(s1.id.startsWith(`https://${vault1}.vault.localhost:8443/`)).toBe(true);
    expect(s2.id.startsWith(`https://${vault2}.vault.localhost:8443/`)).toBe(true);

    expect((await first.kv.json<SecretBundle>("GET", "/secrets/shared-name")).body.value).toBe("value-in-1");
    expect((await second.kv.json<SecretBundle>("GET", "/secrets/shared-name")).body.value).toBe("value-in-2");
    // A version id of vault 1 is unknown in vault 2.
    const v1 = s1.id.split("/").pop() as string;
    expectError(await second.kv.json("GET", `/secrets/shared-name/${v1}`), 404, "SecretNotFound");

    // Deleting in one vault leaves the other alone.
    expect((await first.kv.json("DELETE", "/secrets/shared-name")).status).toBe(200);
    expect((await second.kv.json<SecretBundle>("GET", "/secrets/shared-name")).body.value).toBe("value-in-2");
    expect((await second.kv.json<ListResult>("GET", "/deletedsecrets")).body.value).toEqual([]);
    await setSecret(second.kv, "only-in-2", { value: "x" });
    const list1 = await first.kv.json<ListResult>("GET", "/secrets");
    expect(list1.body.value).toEqual([]);
  });

  it("a principal with a role on vault 1 only gets 403 ForbiddenByRbac on vault 2", async () => {
    const vault1 = uniqueVaultName("isov");
    const vault2 = uniqueVaultName("isow");
    const first = await setupVault(vault1);
    const second = await addVault(first.tenantId, vault2);
    await setSecret(second.kv, "in-2", { value: "v2" });

    const scoped = await principalWithRole(first.tenantId, vault1, "Key Vault Secrets Officer");
    expect((await scoped.kv.json("PUT", "/secrets/mine", { value: "ok" })).status).toBe(200);

    const onVault2 = vaultClient(vault2, scoped.token);
    for (const [method, path, body] of [
      ["GET", "/secrets/in-2", undefined],
      ["GET", "/secrets", undefined],
      ["PUT", "/secrets/mine", { value: "no" }],
      ["DELETE", "/secrets/in-2", undefined],
    ] as const) {
      expectError(await onVault2.json(method, path, body), 403, "Forbidden", "ForbiddenByRbac");
    }
    expectError(await second.kv.json("GET", "/secrets/mine"), 404, "SecretNotFound");
    expect((await second.kv.json<SecretBundle>("GET", "/secrets/in-2")).body.value).toBe("v2");
  });

  it("an unknown vault host -> 404 VaultNotFound, not a challenge for some tenant", async () => {
    const { token } = await setupVault(uniqueVaultName("isov"));
    const ghost = vaultClient(uniqueVaultName("ghost"), token);
    const res = await readJson(await ghost.request("GET", "/secrets"));
    expect(res.status).toBe(404);
    expect(res.headers.get("WWW-Authenticate")).toBeNull();
  });
});
