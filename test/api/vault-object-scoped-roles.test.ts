/**
 * Role assignments below a vault (issue 17; Azure's "individual keys, secrets, and certificates role assignments"):
 * a role at `/secrets/{name}`, `/keys/{name}` or `/certificates/{name}` grants on that object only; operations on the
 * vault as a whole — lists among them — need a role at the vault, as on Azure (403 otherwise).
 */
import { describe, expect, it } from "vitest";
import { admin, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName, vaultClient } from "../support/fixture.ts";

async function assignAt(tenantId: string, vault: string, principalId: string, roleDefinitionName: string, scope: string): Promise<Response> {
  return admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName, principalId, scope });
}

describe("object-scoped role assignments", () => {
  it("a Secrets User at /secrets/{name} reads that secret only, and cannot list", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("objscope");
    await createVault(tenantId, vault);
    const owner = await createPrincipal(tenantId);
    const reader = await createPrincipal(tenantId);
    expect((await assignAt(tenantId, vault, owner.id, "Key Vault Secrets Officer", "/")).status).toBe(201);
    const scoped = await assignAt(tenantId, vault, reader.id, "Key Vault Secrets User", "/secrets/Shared");
    expect(scoped.status).toBe(201);
    expect(((await scoped.json()) as { scope: string }).scope).toBe("/secrets/Shared");

    const ownerKv = vaultClient(vault, await tokenFor(owner.identityHeader as string));
    for (const name of ["shared", "private"]) expect((await ownerKv.json("PUT", `/secrets/${name}`, { value: name })).status).toBe(200);
    const kv = vaultClient(vault, await tokenFor(reader.identityHeader as string));
    expect((await kv.json<{ value: string }>("GET", "/secrets/SHARED")).body.value).toBe("shared");
    expect((await kv.json("GET", "/secrets/shared/versions")).status).toBe(200);
    for (const [method, path] of [["GET", "/secrets/private"], ["GET", "/secrets"], ["PUT", "/secrets/shared"]] as const) {
      const denied = await kv.json<{ error: { code: string; innererror: { code: string } } }>(method, path, method === "PUT" ? { value: "x" } : undefined);
      expect([denied.status, denied.body.error.code, denied.body.error.innererror.code]).toEqual([403, "Forbidden", "ForbiddenByRbac"]);
    }
  });

  it("refuses scopes a vault does not have", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("objbad");
    await createVault(tenantId, vault);
    const principal = await createPrincipal(tenantId);
    for (const scope of ["/secrets", "/secrets/a/b", "/keys/bad_name", "/storage/x", "secrets/a"]) {
      expect((await assignAt(tenantId, vault, principal.id, "Key Vault Secrets User", scope)).status).toBe(400);
    }
  });
});
