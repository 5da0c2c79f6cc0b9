/**
 * Groups (issue 17; docs/access-control.md "Groups"): a role assigned to a tenant group applies to its members, whose
 * tokens name the group in the `groups` claim as Entra's do; a member removed loses the grant with its next token;
 * deleting a group removes its role assignments; bad requests are 400s that change nothing.
 */
import { describe, expect, it } from "vitest";
import { jwtParts } from "../support/identity.ts";
import { admin, createPrincipal, createTenant, createVault, assignRole, tokenFor, uniqueVaultName, vaultClient } from "../support/fixture.ts";

async function json<T>(response: Response, status: number): Promise<T> {
  expect(response.status).toBe(status);
  return (response.status === 204 ? null : await response.json()) as T;
}

describe("tenant groups", () => {
  it("grant their role to members through the token's groups claim, until a member is removed", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("groups");
    await createVault(tenantId, vault);
    const owner = await createPrincipal(tenantId);
    await assignRole(tenantId, vault, owner.id, "Key Vault Secrets Officer");
    const ownerKv = vaultClient(vault, await tokenFor(owner.identityHeader as string));
    expect((await ownerKv.json("PUT", "/secrets/team", { value: "shared" })).status).toBe(200);

    const group = await json<{ id: string; displayName: string }>(await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "readers" }), 201);
    const member = await createPrincipal(tenantId);
    await json(await admin("PUT", `/tenants/${tenantId}/groups/${group.id}/members/${member.id}`), 204);
    await json(await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName: "Key Vault Secrets User", principalId: group.id }), 201);

    const token = await tokenFor(member.identityHeader as string);
    expect(jwtParts(token).payload.groups).toEqual([group.id]);
    expect((await vaultClient(vault, token).json<{ value: string }>("GET", "/secrets/team")).body.value).toBe("shared");
    expect((await json<{ members: string[] }>(await admin("GET", `/tenants/${tenantId}/groups/${group.id}`), 200)).members).toEqual([member.id]);

    await json(await admin("DELETE", `/tenants/${tenantId}/groups/${group.id}/members/${member.id}`), 204);
    const after = await tokenFor(member.identityHeader as string);
    expect(jwtParts(after).payload.groups).toBeUndefined();
    expect((await vaultClient(vault, after).json("GET", "/secrets/team")).status).toBe(403);
  });

  it("deleting a group removes its role assignments", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("groupdel");
    await createVault(tenantId, vault);
    const group = await json<{ id: string }>(await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "gone" }), 201);
    await json(await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName: "Key Vault Reader", principalId: group.id }), 201);
    await json(await admin("DELETE", `/tenants/${tenantId}/groups/${group.id}`), 204);
    const assignments = await json<{ value: { principalId: string }[] }>(await admin("GET", `/tenants/${tenantId}/vaults/${vault}/roleAssignments`), 200);
    expect(assignments.value.map((a) => a.principalId)).not.toContain(group.id);
    expect((await admin("GET", `/tenants/${tenantId}/groups/${group.id}`)).status).toBe(404);
  });

  it("refuses bad requests with 400 or 404 and changes nothing", async () => {
    const tenantId = await createTenant();
    const principal = await createPrincipal(tenantId);
    expect((await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "" })).status).toBe(400);
    expect((await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "x", id: "not-a-guid" })).status).toBe(400);
    expect((await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "x", id: principal.id })).status).toBe(409);
    const group = await json<{ id: string }>(await admin("POST", `/tenants/${tenantId}/groups`, { displayName: "ok" }), 201);
    expect((await admin("PUT", `/tenants/${tenantId}/groups/${group.id}/members/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await admin("PUT", `/tenants/${tenantId}/groups/${crypto.randomUUID()}/members/${principal.id}`)).status).toBe(404);
    expect((await json<{ value: unknown[] }>(await admin("GET", `/tenants/${tenantId}/groups`), 200)).value).toHaveLength(1);
  });
});
