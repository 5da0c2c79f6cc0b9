/**
 * The access-policy permission model (issue 17; docs/access-control.md "Access policies"): with
 * `enableRbacAuthorization: false` a vault authorizes by its `accessPolicies` — per principal or group, per collection,
 * Azure's permission names — and denies with Azure's 403 AccessDenied naming the permission; switching models raises
 * VaultAccessPolicyChanged; bad entries are a 400 that changes nothing.
 */
import { describe, expect, it } from "vitest";
import { admin, assignRole, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName, vaultClient } from "../support/fixture.ts";

const settings = (tenantId: string, vault: string, body: unknown) => admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, body);
const policy = (tenantId: string, objectId: string, permissions: Record<string, string[]>) => ({ tenantId, objectId, permissions });

describe("access policies", () => {
  it("authorize by entry instead of role assignments once RBAC is switched off", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("policies");
    await createVault(tenantId, vault);
    const writer = await createPrincipal(tenantId);
    const reader = await createPrincipal(tenantId);
    await assignRole(tenantId, vault, writer.id, "Key Vault Administrator");
    const writerKv = vaultClient(vault, await tokenFor(writer.identityHeader as string));
    const readerKv = vaultClient(vault, await tokenFor(reader.identityHeader as string));
    expect((await writerKv.json("PUT", "/secrets/s", { value: "v" })).status).toBe(200);

    const switched = await settings(tenantId, vault, {
      enableRbacAuthorization: false,
      accessPolicies: [policy(tenantId, reader.id, { secrets: ["Get", "List"] }), policy(tenantId, writer.id, { secrets: ["all"], keys: ["get"] })],
    });
    expect(switched.status).toBe(200);
    expect(((await switched.json()) as { enableRbacAuthorization: boolean }).enableRbacAuthorization).toBe(false);

    expect((await readerKv.json<{ value: string }>("GET", "/secrets/s")).body.value).toBe("v");
    expect((await readerKv.json("GET", "/secrets")).status).toBe(200);
    const denied = await readerKv.json<{ error: { code: string; message: string; innererror: { code: string } } }>("PUT", "/secrets/s", { value: "w" });
    expect([denied.status, denied.body.error.code, denied.body.error.innererror.code]).toEqual([403, "Forbidden", "AccessDenied"]);
    expect(denied.body.error.message).toContain(`does not have secrets set permission on key vault '${vault};location=edge'`);
    expect(denied.body.error.message).toContain(`oid=${reader.id}`);
    // The writer's Key Vault Administrator role counts for nothing now; its entry does.
    expect((await writerKv.json("PUT", "/secrets/s", { value: "w" })).status).toBe(200);
    expect((await writerKv.json("DELETE", "/keys/k")).status).toBe(403);

    expect((await settings(tenantId, vault, { enableRbacAuthorization: true })).status).toBe(200);
    expect((await readerKv.json("GET", "/secrets/s")).status).toBe(403);
    expect((await writerKv.json("DELETE", "/secrets/s")).status).toBe(200);
  });

  it("refuses entries it cannot apply with 400 and keeps the model", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("policybad");
    await createVault(tenantId, vault);
    const principal = await createPrincipal(tenantId);
    for (const accessPolicies of [
      [policy(crypto.randomUUID(), principal.id, { secrets: ["get"] })],
      [policy(tenantId, "not-a-guid", { secrets: ["get"] })],
      [policy(tenantId, principal.id, { secrets: ["fly"] })],
      [policy(tenantId, principal.id, { storage: ["get"] })],
      "everyone",
    ]) {
      expect((await settings(tenantId, vault, { enableRbacAuthorization: false, accessPolicies })).status).toBe(400);
    }
    expect((await settings(tenantId, vault, { enableRbacAuthorization: "no" })).status).toBe(400);
    const kept = (await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/settings`)).json()) as { enableRbacAuthorization: boolean; accessPolicies: unknown[] };
    expect([kept.enableRbacAuthorization, kept.accessPolicies]).toEqual([true, []]);
  });
});
