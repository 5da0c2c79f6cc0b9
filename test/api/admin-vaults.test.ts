import { describe, expect, it } from "vitest";
import {
  ISSUER_ORIGIN,
  admin,
  assignRole,
  createPrincipal,
  createTenant,
  createVault,
  tokenFor,
  vaultClient,
  uniqueVaultName,
} from "../support/fixture.ts";
import { errorCode, expectChallenge } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

interface VaultJson {
  name: string;
  tenantId: string;
  softDeleteRetentionInDays: number;
  enablePurgeProtection: boolean;
  sku: string;
  vaultUri: string;
  created: number;
}

const putVault = (tenantId: string, name: string, body: unknown = {}, key?: string) =>
  admin("PUT", `/tenants/${tenantId}/vaults/${name}`, body, key);

async function tenantAdminToken(tenantId: string): Promise<string> {
  const principal = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
  return tokenFor(principal.identityHeader as string, `${ISSUER_ORIGIN}/admin`);
}

describe("vault names", () => {
  it.each([
    ["ab", "2 characters"],
    ["a".repeat(25), "25 characters"],
    ["1abc", "leading digit"],
    ["a--b", "consecutive hyphens"],
    ["abc-", "trailing hyphen"],
    ["a_b", "underscore"],
    ["-abc", "leading hyphen"],
  ])("%s (%s) is refused with 400 VaultNameNotValid and reserves nothing", async (name) => {
    const tenantId = await createTenant();
    const error = await errorCode(await putVault(tenantId, name));
    expect([error.status, error.code]).toStrictEqual([400, "VaultNameNotValid"]);
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()).toStrictEqual({ value: [] });
  });

  it("accepts the shortest and longest valid names", async () => {
    const tenantId = await createTenant();
    const short = `v${crypto.randomUUID().slice(0, 2)}`.replace(/[^a-z0-9]/g, "x");
    const long = uniqueVaultName("long");
    expect(long).toHaveLength(24);
    expect((await putVault(tenantId, short)).status).toBe(201);
    expect((await putVault(tenantId, long)).status).toBe(201);
  });
});

describe("vault creation", () => {
  it("returns the vault with defaults and its vaultUri", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("vdef");
    const response = await putVault(tenantId, name);
    expect(response.status).toBe(201);
    const vault = (await response.json()) as VaultJson;
    expect(vault).toMatchObject({
      name,
      tenantId,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: false,
      sku: "standard",
      dataKeyProtection: "rootKey",
      vaultUri: `https://${name}.vault.localhost:8443`,
    });
    expect(Math.abs(vault.created - Date.now() / 1000)).toBeLessThan(120);

    const got = await admin("GET", `/tenants/${tenantId}/vaults/${name}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toStrictEqual(vault);
    const list = (await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()) as { value: VaultJson[] };
    expect(list.value).toStrictEqual([vault]);
  });

  it("lower-cases the host in vaultUri", async () => {
    const tenantId = await createTenant();
    const name = `Mixed${uniqueVaultName("c").slice(0, 10)}`;
    const vault = (await (await putVault(tenantId, name)).json()) as VaultJson;
    expect(vault.vaultUri).toBe(`https://${name.toLowerCase()}.vault.localhost:8443`);
  });

  it("takes retention, purge protection and sku", async () => {
    const tenantId = await createTenant();
    for (const [retention, protection, sku] of [
      [7, true, "premium"],
      [90, false, "standard"],
      [30, true, "standard"],
    ] as const) {
      const name = uniqueVaultName("vopt");
      const response = await putVault(tenantId, name, { softDeleteRetentionInDays: retention, enablePurgeProtection: protection, sku });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ softDeleteRetentionInDays: retention, enablePurgeProtection: protection, sku });
    }
  });

  it.each([
    [{ softDeleteRetentionInDays: 6 }],
    [{ softDeleteRetentionInDays: 91 }],
    [{ softDeleteRetentionInDays: "x" }],
    [{ softDeleteRetentionInDays: "30" }],
    [{ softDeleteRetentionInDays: 7.5 }],
    [{ enablePurgeProtection: "yes" }],
    [{ sku: "gold" }],
    [{ dataKeyProtection: "tpm" }],
    // HSM data key protection needs a premium vault, and a bridge this tier does not have.
    [{ dataKeyProtection: "hsm" }],
    [{ sku: "premium", dataKeyProtection: "hsm" }],
    // A managed HSM holds HSM keys only, so it needs the bridge too.
    [{ sku: "managedHSM" }],
  ])("refuses %j with 400 BadParameter and reserves nothing", async (body) => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("vbad");
    const error = await errorCode(await putVault(tenantId, name, body));
    expect([error.status, error.code]).toStrictEqual([400, "BadParameter"]);
    // The name is still free.
    expect((await putVault(tenantId, name)).status).toBe(201);
  });

  it("refuses a duplicate name in the same tenant with 409 VaultAlreadyExists", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("vdup");
    await createVault(tenantId, name);
    const error = await errorCode(await putVault(tenantId, name, { softDeleteRetentionInDays: 7 }));
    expect([error.status, error.code]).toStrictEqual([409, "VaultAlreadyExists"]);
    const vault = (await (await admin("GET", `/tenants/${tenantId}/vaults/${name}`)).json()) as VaultJson;
    expect(vault.softDeleteRetentionInDays).toBe(90);
  });

  it("refuses a name another tenant holds, whatever its case", async () => {
    const tenantA = await createTenant();
    const tenantB = await createTenant();
    const name = uniqueVaultName("vglob");
    await createVault(tenantA, name);
    for (const variant of [name, name.toUpperCase(), `${name[0]?.toUpperCase()}${name.slice(1)}`]) {
      const error = await errorCode(await putVault(tenantB, variant));
      expect([error.status, error.code], variant).toStrictEqual([409, "VaultAlreadyExists"]);
    }
    expect((await admin("GET", `/tenants/${tenantA}/vaults/${name}`)).status).toBe(200);
    expect(await (await admin("GET", `/tenants/${tenantB}/vaults`)).json()).toStrictEqual({ value: [] });
  });

  it("needs an existing tenant", async () => {
    const error = await errorCode(await putVault(crypto.randomUUID(), uniqueVaultName("vnot")));
    expect([error.status, error.code]).toStrictEqual([404, "TenantNotFound"]);
  });
});

describe("another tenant's vault", () => {
  it("is reported exactly like a missing one, to a tenant admin and to the operator", async () => {
    const tenantA = await createTenant();
    const tenantB = await createTenant();
    const name = uniqueVaultName("vown");
    await createVault(tenantA, name);
    const missing = uniqueVaultName("vmis");
    const tokenB = await tenantAdminToken(tenantB);

    for (const key of [tokenB, undefined]) {
      const foreign = await errorCode(await admin("GET", `/tenants/${tenantB}/vaults/${name}`, undefined, key));
      const absent = await errorCode(await admin("GET", `/tenants/${tenantB}/vaults/${missing}`, undefined, key));
      expect([foreign.status, foreign.code]).toStrictEqual([404, "VaultNotFound"]);
      expect([absent.status, absent.code]).toStrictEqual([404, "VaultNotFound"]);
      expect(foreign.message.replace(name, "{name}")).toBe(absent.message.replace(missing, "{name}"));
      expect(foreign.inner).toBe(absent.inner);

      expect((await admin("DELETE", `/tenants/${tenantB}/vaults/${name}`, undefined, key)).status).toBe(404);
      expect((await admin("GET", `/tenants/${tenantB}/vaults/${name}/roleAssignments`, undefined, key)).status).toBe(404);
    }
    // Still there, still A's.
    expect((await admin("GET", `/tenants/${tenantA}/vaults/${name}`)).status).toBe(200);
  });

  it("cannot be given role assignments through another tenant", async () => {
    const tenantA = await createTenant();
    const tenantB = await createTenant();
    const name = uniqueVaultName("vra");
    await createVault(tenantA, name);
    const miB = await createPrincipal(tenantB);
    const response = await admin("PUT", `/tenants/${tenantB}/vaults/${name}/roleAssignments/${crypto.randomUUID()}`, {
      roleDefinitionName: "Key Vault Administrator",
      principalId: miB.id,
    });
    expect(response.status).toBe(404);
    expect(await (await admin("GET", `/tenants/${tenantA}/vaults/${name}/roleAssignments`)).json()).toStrictEqual({ value: [] });
  });
});

/** Soft delete, then purge: how a name is freed since vaults are soft-deleted (test/api/vault-soft-delete.test.ts). */
async function deleteAndPurge(tenantId: string, name: string): Promise<void> {
  expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${name}`)).status).toBe(204);
  expect((await admin("POST", `/tenants/${tenantId}/deletedVaults/${name}/purge`)).status).toBe(200);
}

describe("vault deletion and purge", () => {
  it("frees the name and the data plane answers 404 for the vault", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("vdel");
    await createVault(tenantId, name);
    const mi = await createPrincipal(tenantId);
    await assignRole(tenantId, name, mi.id, "Key Vault Administrator");
    const token = await tokenFor(mi.identityHeader as string);
    const kv = vaultClient(name, token);
    expect((await kv.json("PUT", "/secrets/before-delete", { value: "old-value" })).status).toBe(200);

    await deleteAndPurge(tenantId, name);
    expect((await admin("GET", `/tenants/${tenantId}/vaults/${name}`)).status).toBe(404);
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()).toStrictEqual({ value: [] });

    const afterDelete = await errorCode(await kv.request("GET", "/secrets/before-delete"));
    expect([afterDelete.status, afterDelete.code]).toStrictEqual([404, "VaultNotFound"]);
    expect((await kv.request("GET", "/secrets")).status).toBe(404);

    // The tenant no longer has vaults, so it can be deleted.
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(204);
  });

  it("lets the same name be created again, empty, by another tenant", async () => {
    const tenantA = await createTenant();
    const tenantB = await createTenant();
    const name = uniqueVaultName("vre");
    await createVault(tenantA, name);
    const miA = await createPrincipal(tenantA);
    await assignRole(tenantA, name, miA.id, "Key Vault Administrator");
    const tokenA = await tokenFor(miA.identityHeader as string);
    expect((await vaultClient(name, tokenA).json("PUT", "/secrets/left-behind", { value: "tenant-a-value" })).status).toBe(200);
    await deleteAndPurge(tenantA, name);

    const recreated = await putVault(tenantB, name);
    const text = await recreated.text();
    expect(recreated.status, text).toBe(201);
    expect((JSON.parse(text) as VaultJson).tenantId).toBe(tenantB);

    const miB = await createPrincipal(tenantB);
    await assignRole(tenantB, name, miB.id, "Key Vault Administrator");
    const kvB = vaultClient(name, await tokenFor(miB.identityHeader as string));
    const old = await errorCode(await kvB.request("GET", "/secrets/left-behind"));
    expect([old.status, old.code]).toStrictEqual([404, "SecretNotFound"]);
    expect((await kvB.json("PUT", "/secrets/fresh", { value: "tenant-b-value" })).status).toBe(200);
    // Tenant A's token is for the wrong tenant now: the challenge names tenant B.
    await expectChallenge(await vaultClient(name, tokenA).request("GET", "/secrets"), tenantB);
  });

  it("lets the same tenant re-create the name", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("vsame");
    await createVault(tenantId, name);
    await deleteAndPurge(tenantId, name);
    const recreated = await putVault(tenantId, name, { softDeleteRetentionInDays: 7 });
    const text = await recreated.text();
    expect(recreated.status, text).toBe(201);
    const got = await admin("GET", `/tenants/${tenantId}/vaults/${name}`);
    expect(got.status).toBe(200);
    expect(((await got.json()) as VaultJson).softDeleteRetentionInDays).toBe(7);
  });
});

describe("role assignments", () => {
  const assignmentPath = (tenantId: string, vault: string, id: string = crypto.randomUUID()) =>
    `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${id}`;

  it("are created, listed and deleted, and govern the data plane", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("vrole");
    await createVault(tenantId, vault);
    const mi = await createPrincipal(tenantId);
    const token = await tokenFor(mi.identityHeader as string);
    const kv = vaultClient(vault, token);

    const before = await errorCode(await kv.request("GET", "/secrets"));
    expect([before.status, before.inner]).toStrictEqual([403, "ForbiddenByRbac"]);

    const id = crypto.randomUUID();
    const response = await admin("PUT", assignmentPath(tenantId, vault, id), {
      roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2",
      principalId: mi.id,
    });
    expect(response.status).toBe(201);
    const assignment = (await response.json()) as Record<string, unknown>;
    expect(assignment).toMatchObject({
      id,
      principalId: mi.id,
      roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2",
      roleDefinitionName: "Key Vault Reader",
    });
    const list = (await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/roleAssignments`)).json()) as { value: unknown[] };
    expect(list.value).toStrictEqual([assignment]);

    expect((await kv.request("GET", "/secrets")).status).toBe(200);
    const setRefused = await errorCode(await kv.request("PUT", "/secrets/x", { value: "v" }));
    expect([setRefused.status, setRefused.inner]).toStrictEqual([403, "ForbiddenByRbac"]);

    expect((await admin("DELETE", assignmentPath(tenantId, vault, id))).status).toBe(204);
    const after = await errorCode(await kv.request("GET", "/secrets"));
    expect([after.status, after.inner]).toStrictEqual([403, "ForbiddenByRbac"]);
    const again = await errorCode(await admin("DELETE", assignmentPath(tenantId, vault, id)));
    expect([again.status, again.code]).toStrictEqual([404, "RoleAssignmentNotFound"]);
  });

  it("refuse an unknown role with 400", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("vrbad");
    await createVault(tenantId, vault);
    const mi = await createPrincipal(tenantId);
    for (const body of [
      { roleDefinitionName: "Key Vault Owner", principalId: mi.id },
      { roleDefinitionId: crypto.randomUUID(), principalId: mi.id },
      { principalId: mi.id },
    ]) {
      const error = await errorCode(await admin("PUT", assignmentPath(tenantId, vault), body));
      expect([error.status, error.code], JSON.stringify(body)).toStrictEqual([400, "BadParameter"]);
    }
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/roleAssignments`)).json()).toStrictEqual({ value: [] });
  });

  it("refuse an unknown principal, a principal of another tenant, or an application id, with 404", async () => {
    const tenantId = await createTenant();
    const other = await createTenant();
    const vault = uniqueVaultName("vrpr");
    await createVault(tenantId, vault);
    const foreign = await createPrincipal(other);
    const own = await createPrincipal(tenantId);
    for (const principalId of [crypto.randomUUID(), foreign.id, own.appId, ""]) {
      const error = await errorCode(
        await admin("PUT", assignmentPath(tenantId, vault), { roleDefinitionName: "Key Vault Administrator", principalId }),
      );
      expect([error.status, error.code], principalId).toStrictEqual([404, "PrincipalNotFound"]);
    }
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/roleAssignments`)).json()).toStrictEqual({ value: [] });
  });

  it("need a GUID as assignment id", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("vrid");
    await createVault(tenantId, vault);
    const mi = await createPrincipal(tenantId);
    const error = await errorCode(
      await admin("PUT", assignmentPath(tenantId, vault, "not-a-guid"), { roleDefinitionName: "Key Vault Reader", principalId: mi.id }),
    );
    expect([error.status, error.code]).toStrictEqual([400, "BadParameter"]);
  });

  it("role definitions list Azure's built-in Key Vault roles", async () => {
    const response = await admin("GET", "/roleDefinitions");
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: { id: string; roleName: string }[] };
    expect(value.map((r) => r.roleName)).toEqual(
      expect.arrayContaining(["Key Vault Administrator", "Key Vault Secrets User", "Key Vault Secrets Officer", "Key Vault Reader"]),
    );
    expect(value.find((r) => r.roleName === "Key Vault Secrets User")?.id).toBe(
      "/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    );
  });
});
