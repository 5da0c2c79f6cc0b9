/**
 * A tenant's custom role definitions for its vaults (issue 17; docs/access-control.md "Custom roles"), in ARM's shape:
 * the admin routes, every field refused with an Azure-shaped 400 and nothing written, Azure's semantics on a vault
 * (notDataActions subtract, wildcards), a change reaching the vault, deletion refused while assigned, and each call
 * audited on the control plane.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName, vaultClient } from "../support/fixture.ts";

const KV = "Microsoft.KeyVault/vaults";
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

interface Definition {
  id: string;
  name: string;
  type: string;
  properties: { roleName: string; type: string; description: string; permissions: { dataActions: string[]; notDataActions: string[] }[]; assignableScopes: string[] };
}
type Failure = { error: { code: string; message: string; innererror?: { code: string } } };

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await admin(method, path, body);
  const text = await response.text();
  return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T };
}

const role = (roleName: string, dataActions: string[], notDataActions: string[] = [], assignableScopes = ["/"]) => ({
  properties: { roleName, description: "test role", type: "CustomRole", permissions: [{ actions: [], notActions: [], dataActions, notDataActions }], assignableScopes },
});

async function assign(tenantId: string, vault: string, principalId: string, roleDefinitionId: string, scope = "/") {
  return call<{ roleDefinitionId: string; roleDefinitionName: string } & Failure>("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, {
    roleDefinitionId,
    principalId,
    scope,
  });
}

describe("custom role definitions", () => {
  it("are written, read and listed in ARM's shape beside Azure's built-in roles", async () => {
    const tenantId = await createTenant();
    const id = crypto.randomUUID();
    const put = await call<Definition>("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, role("Secret Reader Plus", [`${KV}/secrets/getSecret/action`]));
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      id: `/providers/Microsoft.Authorization/roleDefinitions/${id}`,
      name: id,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: { roleName: "Secret Reader Plus", type: "CustomRole", assignableScopes: ["/"], permissions: [{ dataActions: [`${KV}/secrets/getSecret/action`], notDataActions: [] }] },
    });
    expect((await call<Definition>("GET", `/tenants/${tenantId}/roleDefinitions/${id.toUpperCase()}`)).body).toEqual(put.body);

    const list = await call<{ value: Definition[] }>("GET", `/tenants/${tenantId}/roleDefinitions`);
    const secretsUser = list.body.value.find((d) => d.name === SECRETS_USER);
    expect(secretsUser?.properties).toMatchObject({ roleName: "Key Vault Secrets User", type: "BuiltInRole" });
    expect(list.body.value.filter((d) => d.properties.type === "CustomRole").map((d) => d.name)).toEqual([id]);
    const filtered = await call<{ value: Definition[] }>("GET", `/tenants/${tenantId}/roleDefinitions?$filter=roleName eq 'secret reader plus'`);
    expect(filtered.body.value.map((d) => d.name)).toEqual([id]);
    expect((await call<Definition>("GET", `/tenants/${tenantId}/roleDefinitions/${SECRETS_USER}`)).body.properties.type).toBe("BuiltInRole");

    const missing = await call<Failure>("GET", `/tenants/${tenantId}/roleDefinitions/${crypto.randomUUID()}`);
    expect([missing.status, missing.body.error.code]).toEqual([404, "RoleDefinitionDoesNotExist"]);
  });

  it("refuses every bad field with Azure's 400 (or 409 for a taken name), writing nothing", async () => {
    const tenantId = await createTenant();
    const taken = crypto.randomUUID();
    expect((await call("PUT", `/tenants/${tenantId}/roleDefinitions/${taken}`, role("Taken", [`${KV}/secrets/*`]))).status).toBe(201);
    const ok = role("Fine", [`${KV}/secrets/*`]);
    const withProps = (patch: Record<string, unknown>) => ({ properties: { ...ok.properties, ...patch } });
    const entry = (patch: Record<string, unknown>) => withProps({ permissions: [{ ...ok.properties.permissions[0], ...patch }] });
    const cases: [string, string, unknown, number, string][] = [
      ["not a GUID", "not-a-guid", ok, 400, "BadParameter"],
      ["a built-in role's id", SECRETS_USER, ok, 400, "BadParameter"],
      ["no properties", crypto.randomUUID(), { roleName: "x" }, 400, "BadParameter"],
      ["a built-in type", crypto.randomUUID(), withProps({ type: "BuiltInRole" }), 400, "BadParameter"],
      ["no roleName", crypto.randomUUID(), withProps({ roleName: "  " }), 400, "BadParameter"],
      ["a roleName too long", crypto.randomUUID(), withProps({ roleName: "r".repeat(513) }), 400, "BadParameter"],
      ["a description not text", crypto.randomUUID(), withProps({ description: 7 }), 400, "BadParameter"],
      ["permissions not a list", crypto.randomUUID(), withProps({ permissions: {} }), 400, "BadParameter"],
      ["no permission entry", crypto.randomUUID(), withProps({ permissions: [] }), 400, "BadParameter"],
      ["an entry not an object", crypto.randomUUID(), withProps({ permissions: ["x"] }), 400, "BadParameter"],
      ["an unknown data action", crypto.randomUUID(), entry({ dataActions: [`${KV}/secrets/steal/action`] }), 400, "InvalidDataActionOrNotDataAction"],
      ["a pattern matching nothing", crypto.randomUUID(), entry({ dataActions: [`${KV}/storage/*`] }), 400, "InvalidDataActionOrNotDataAction"],
      ["bare * as a data action", crypto.randomUUID(), entry({ dataActions: ["*"] }), 400, "InvalidDataActionOrNotDataAction"],
      ["an HSM data action", crypto.randomUUID(), entry({ dataActions: ["Microsoft.KeyVault/managedHsm/keys/read/action"] }), 400, "InvalidDataActionOrNotDataAction"],
      ["an unknown not-data action", crypto.randomUUID(), entry({ notDataActions: [`${KV}/secrets/nope`] }), 400, "InvalidDataActionOrNotDataAction"],
      ["a data action among actions", crypto.randomUUID(), entry({ actions: [`${KV}/secrets/getSecret/action`] }), 400, "InvalidActionOrNotAction"],
      ["a malformed action", crypto.randomUUID(), entry({ actions: ["read everything"] }), 400, "InvalidActionOrNotAction"],
      ["a malformed not-action", crypto.randomUUID(), entry({ notActions: ["/"] }), 400, "InvalidActionOrNotAction"],
      ["actions not strings", crypto.randomUUID(), entry({ dataActions: [1] }), 400, "BadParameter"],
      ["no assignableScopes", crypto.randomUUID(), withProps({ assignableScopes: undefined }), 400, "BadParameter"],
      ["empty assignableScopes", crypto.randomUUID(), withProps({ assignableScopes: [] }), 400, "BadParameter"],
      ["a foreign scope", crypto.randomUUID(), withProps({ assignableScopes: ["/subscriptions/x"] }), 400, "BadParameter"],
      ["a scope below a collection", crypto.randomUUID(), withProps({ assignableScopes: ["/vaults/abc/secrets"] }), 400, "BadParameter"],
      ["a taken name", crypto.randomUUID(), withProps({ roleName: "TAKEN" }), 409, "RoleDefinitionWithSameNameExists"],
      ["a built-in role's name", crypto.randomUUID(), withProps({ roleName: "key vault reader" }), 409, "RoleDefinitionWithSameNameExists"],
    ];
    for (const [what, id, body, status, code] of cases) {
      const refused = await call<Failure>("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, body);
      expect([what, refused.status, refused.body.error.code]).toEqual([what, status, code]);
    }
    const list = await call<{ value: Definition[] }>("GET", `/tenants/${tenantId}/roleDefinitions`);
    expect(list.body.value.filter((d) => d.properties.type === "CustomRole").map((d) => d.name)).toEqual([taken]);
    const renamed = await call<Failure>("PUT", `/tenants/${tenantId}/roleDefinitions/${taken}`, role("Key Vault Administrator", [`${KV}/secrets/*`]));
    expect([renamed.status, renamed.body.error.code]).toEqual([409, "RoleDefinitionWithSameNameExists"]);
  });

  it("grant on a vault with Azure's semantics; a change reaches the vault; deletion waits for the last assignment", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("custom");
    await createVault(tenantId, vault);
    const principal = await createPrincipal(tenantId);
    const id = crypto.randomUUID();
    // Everything on secrets but purging them, and reading any collection's metadata by pattern.
    const definition = role("Secret Keeper", [`${KV}/secrets/*`, `${KV}/*/read`], [`${KV}/secrets/purge/action`]);
    expect((await call("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, definition)).status).toBe(201);
    const assigned = await assign(tenantId, vault, principal.id, `/providers/Microsoft.Authorization/roleDefinitions/${id}`);
    expect([assigned.status, assigned.body.roleDefinitionName]).toEqual([201, "Secret Keeper"]);
    expect(assigned.body.roleDefinitionId).toBe(`/providers/Microsoft.Authorization/roleDefinitions/${id}`);
    const listed = await call<{ value: { roleDefinitionName: string }[] }>("GET", `/tenants/${tenantId}/vaults/${vault}/roleAssignments`);
    expect(listed.body.value.map((a) => a.roleDefinitionName)).toEqual(["Secret Keeper"]);

    const kv = vaultClient(vault, await tokenFor(principal.identityHeader as string));
    expect((await kv.json("PUT", "/secrets/s1", { value: "v" })).status).toBe(200);
    expect((await kv.json("GET", "/keys")).status).toBe(200);
    expect((await kv.json("DELETE", "/secrets/s1")).status).toBe(200);
    const purge = await kv.json<Failure>("DELETE", "/deletedsecrets/s1");
    expect([purge.status, purge.body.error.code, purge.body.error.innererror?.code]).toEqual([403, "Forbidden", "ForbiddenByRbac"]);
    expect((await kv.json("POST", "/deletedsecrets/s1/recover")).status).toBe(200);
    // Allowed once before the change: the vault remembers decisions, and the change must reach them too.
    expect((await kv.json("GET", "/secrets/s1")).status).toBe(200);

    // The definition replaced without getSecret: the vault's copy follows before the PUT answers.
    const narrowed = role("Secret Keeper", [`${KV}/secrets/readMetadata/action`]);
    expect((await call("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, narrowed)).status).toBe(201);
    const denied = await kv.json<Failure>("GET", "/secrets/s1");
    expect([denied.status, denied.body.error.innererror?.code]).toEqual([403, "ForbiddenByRbac"]);
    expect((await kv.json("GET", "/secrets")).status).toBe(200);

    const refused = await call<Failure>("DELETE", `/tenants/${tenantId}/roleDefinitions/${id}`);
    expect([refused.status, refused.body.error.code]).toEqual([409, "RoleDefinitionHasAssignments"]);
    expect((await call("GET", `/tenants/${tenantId}/roleDefinitions/${id}`)).status).toBe(200);
    const assignmentId = (assigned.body as unknown as { id: string }).id;
    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${assignmentId}`)).status).toBe(204);
    expect((await kv.json("GET", "/secrets")).status, "the deleted assignment no longer grants what it granted").toBe(403);
    const deleted = await call<Definition>("DELETE", `/tenants/${tenantId}/roleDefinitions/${id}`);
    expect([deleted.status, deleted.body.name]).toEqual([200, id]);
    expect((await call("DELETE", `/tenants/${tenantId}/roleDefinitions/${id}`)).status).toBe(204);
    expect((await call<Failure>("GET", `/tenants/${tenantId}/roleDefinitions/${id}`)).status).toBe(404);
    expect((await assign(tenantId, vault, principal.id, id)).status).toBe(400);
    const builtIn = await call<Failure>("DELETE", `/tenants/${tenantId}/roleDefinitions/${SECRETS_USER}`);
    expect([builtIn.status, builtIn.body.error.code]).toEqual([400, "BadParameter"]);
  });

  it("are assignable only within their assignableScopes, by id or by name", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("scoped");
    await createVault(tenantId, vault);
    const principal = await createPrincipal(tenantId);
    const id = crypto.randomUUID();
    const definition = role("One Secret", [`${KV}/secrets/getSecret/action`], [], [`/vaults/${vault.toUpperCase()}/secrets/only`]);
    const put = await call<Definition>("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, definition);
    expect(put.body.properties.assignableScopes).toEqual([`/vaults/${vault}/secrets/only`]);
    for (const scope of ["/", "/secrets/other", "/keys/only"]) {
      const refused = await assign(tenantId, vault, principal.id, id, scope);
      expect([scope, refused.status, refused.body.error.code]).toEqual([scope, 400, "BadParameter"]);
    }
    const byName = await call<{ scope: string }>("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, {
      roleDefinitionName: "one secret",
      principalId: principal.id,
      scope: "/secrets/Only",
    });
    expect([byName.status, byName.body.scope]).toEqual([201, "/secrets/Only"]);
  });

  it("stop at Azure's 5000 custom roles per tenant; a replacement still goes through", async () => {
    const tenantId = await createTenant();
    const last = crypto.randomUUID();
    expect((await call("PUT", `/tenants/${tenantId}/roleDefinitions/${last}`, role("Role 5000", [`${KV}/keys/read`]))).status).toBe(201);
    await runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), (_instance, state) => {
      for (let i = 1; i < 5000; i++) {
        state.storage.sql.exec(
          "INSERT INTO role_definitions (id, role_name, role_name_key, description, permissions, assignable_scopes, version, created, updated) VALUES (?, ?, ?, '', '[]', '[\"/\"]', 1, 0, 0)",
          crypto.randomUUID(), `Role ${i}`, `role ${i}`,
        );
      }
    });
    const refused = await call<Failure>("PUT", `/tenants/${tenantId}/roleDefinitions/${crypto.randomUUID()}`, role("One Too Many", [`${KV}/keys/read`]));
    expect([refused.status, refused.body.error.code]).toEqual([400, "RoleDefinitionLimitExceeded"]);
    expect((await call("PUT", `/tenants/${tenantId}/roleDefinitions/${last}`, role("Role 5000", [`${KV}/keys/*`]))).status).toBe(201);
  });

  it("each call is one control-plane audit record", async () => {
    const tenantId = await createTenant();
    const id = crypto.randomUUID();
    await call("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, role("Audited", [`${KV}/keys/read`]));
    await call("PUT", `/tenants/${tenantId}/roleDefinitions/${id}`, { properties: {} });
    await call("GET", `/tenants/${tenantId}/roleDefinitions`);
    await call("GET", `/tenants/${tenantId}/roleDefinitions/${id}`);
    await call("DELETE", `/tenants/${tenantId}/roleDefinitions/${id}`);
    const log = await call<{ value: { operationName: string; httpStatusCode: number; resultCode: string }[] }>("GET", `/tenants/${tenantId}/auditLog?maxresults=25`);
    expect(log.body.value.filter((r) => r.operationName.startsWith("TenantRoleDefinition")).map((r) => [r.operationName, r.httpStatusCode, r.resultCode])).toEqual([
      ["TenantRoleDefinitionPut", 201, "Success"],
      ["TenantRoleDefinitionPut", 400, "BadParameter"],
      ["TenantRoleDefinitionList", 200, "Success"],
      ["TenantRoleDefinitionGet", 200, "Success"],
      ["TenantRoleDefinitionDelete", 200, "Success"],
    ]);
  });
});
