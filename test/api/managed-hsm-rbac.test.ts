/**
 * A managed HSM's local RBAC over raw HTTP (rbac.json; docs/managed-hsm.md "Local RBAC"): role definitions (Azure's
 * built-in Managed HSM roles and custom ones) and role assignments at "/", "/keys" and "/keys/{name}", shaped as
 * Azure's service answers; every HSM route authorized by the HSM's own data actions at the scope it acts on; bad input
 * a 400 that changes nothing. This tier has no HSM bridge, so HSMs are made on their object and key routes are
 * exercised where no key is needed (a 404 says the request was let through, a 403 that it was not).
 */
import { describe, expect, it } from "vitest";
import { createPrincipal, createTenant, tokenFor, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { vaultObject } from "../support/secrets.ts";
import { activateHsm } from "../support/security-domain.ts";

const HSM_RESOURCE = "https://managedhsm.localhost:8443";
const ROLES = {
  administrator: "a290e904-7015-4bba-90c8-60543313cdb4",
  cryptoUser: "21dbd100-6940-42c2-9190-5d6cb909625b",
  cryptoOfficer: "515eb02d-2335-4d2d-92f2-b1cbdf9c3778",
  auditReader: "51013eda-ffbe-4d29-be0f-5d7ec88f84a3",
} as const;
const AUTH = "providers/Microsoft.Authorization";
const definitionId = (guid: string) => `Microsoft.KeyVault/${AUTH}/roleDefinitions/${guid}`;

interface Hsm {
  readonly name: string;
  readonly tenantId: string;
  /** A client per principal: the initial administrator, and others holding what each test assigns them. */
  client(who: "admin" | "other"): VaultClient;
  readonly otherId: string;
  readonly adminId: string;
}

async function makeHsm(prefix: string): Promise<Hsm> {
  const tenantId = await createTenant();
  const name = uniqueVaultName(prefix);
  expect((await vaultObject(name).create({ name, tenantId, retentionDays: 90, purgeProtection: false, sku: "managedHSM" })).ok).toBe(true);
  expect((await vaultObject(name).updateOperationalSettings({ longRunningOperations: "immediate" })).ok).toBe(true);
  const admin = await createPrincipal(tenantId);
  const other = await createPrincipal(tenantId);
  const assignment = { id: crypto.randomUUID(), principalId: admin.id, roleDefinitionId: ROLES.administrator, scope: "/", created: 1 };
  await vaultObject(name).putRoleAssignment(assignment);
  const tokens = { admin: await tokenFor(admin.identityHeader as string, HSM_RESOURCE), other: await tokenFor(other.identityHeader as string, HSM_RESOURCE) };
  const client = (who: "admin" | "other") => vaultClient(name, tokens[who], "7.5", "managedhsm");
  await activateHsm(client("admin"));
  return { name, tenantId, otherId: other.id, adminId: admin.id, client };
}

async function assign(hsm: Hsm, scope: string, role: string, principalId = hsm.otherId): Promise<string> {
  const name = crypto.randomUUID();
  const prefix = scope === "/" ? "" : scope;
  const made = await hsm.client("admin").json("PUT", `${prefix}/${AUTH}/roleAssignments/${name}`, { properties: { roleDefinitionId: definitionId(role), principalId } });
  expect(made.status).toBe(201);
  return name;
}

describe("role definitions", () => {
  it("lists Azure's built-in Managed HSM roles as the service shapes them", async () => {
    const hsm = await makeHsm("hsmdefs");
    const listed = await hsm.client("admin").json<{ value: Record<string, unknown>[] }>("GET", `/${AUTH}/roleDefinitions`);
    expect(listed.status).toBe(200);
    const user = listed.body.value.find((d) => d.name === ROLES.cryptoUser);
    expect(user).toMatchObject({
      id: definitionId(ROLES.cryptoUser),
      type: "Microsoft.Authorization/roleDefinitions",
      properties: { roleName: "Managed HSM Crypto User", type: "AKVBuiltInRole", assignableScopes: ["/"] },
    });
    expect((user?.properties as { permissions: unknown[] }).permissions[0]).toMatchObject({ actions: [], notActions: [], notDataActions: [] });
    const byName = await hsm.client("admin").json<{ value: { name: string }[] }>("GET", `/${AUTH}/roleDefinitions?$filter=${encodeURIComponent("roleName eq 'Managed HSM Crypto Officer'")}`);
    expect(byName.body.value.map((d) => d.name)).toEqual([ROLES.cryptoOfficer]);
  });

  it("makes, replaces (201 each time), reads and deletes a custom role; refuses built-ins and unknown actions", async () => {
    const hsm = await makeHsm("hsmcustom");
    const kv = hsm.client("admin");
    const guid = crypto.randomUUID();
    const body = { properties: { roleName: "Key reader", description: "reads keys", permissions: [{ dataActions: ["Microsoft.KeyVault/managedHsm/keys/read/action"] }] } };
    const made = await kv.json<Record<string, unknown>>("PUT", `/${AUTH}/roleDefinitions/${guid}`, body);
    expect(made.status).toBe(201);
    expect(made.body).toStrictEqual({
      id: definitionId(guid),
      name: guid,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: {
        roleName: "Key reader",
        description: "reads keys",
        type: "CustomRole",
        permissions: [{ actions: [], notActions: [], dataActions: ["Microsoft.KeyVault/managedHsm/keys/read/action"], notDataActions: [] }],
        assignableScopes: ["/"],
      },
    });
    // A PUT replaces the whole definition: what it omits is gone.
    expect((await kv.json("PUT", `/${AUTH}/roleDefinitions/${guid}`, { properties: { permissions: [] } })).status).toBe(201);
    expect((await kv.json<{ properties: { roleName: string } }>("GET", `/${AUTH}/roleDefinitions/${guid}`)).body.properties.roleName).toBe("");

    for (const bad of [
      { properties: { permissions: [{ dataActions: ["Microsoft.KeyVault/managedHsm/keys/sing/action"] }] } },
      { properties: { permissions: "all" } },
      { properties: { permissions: [], assignableScopes: ["/keys/k1"] } },
      { properties: { permissions: [], type: "AKVBuiltInRole" } },
    ]) {
      const refused = await kv.json<{ error: { code: string } }>("PUT", `/${AUTH}/roleDefinitions/${crypto.randomUUID()}`, bad);
      expect([refused.status, refused.body.error.code]).toEqual([400, "BadParameter"]);
    }
    const builtIn = await kv.json<{ error: { code: string } }>("PUT", `/${AUTH}/roleDefinitions/${ROLES.cryptoUser}`, body);
    expect([builtIn.status, builtIn.body.error.code]).toEqual([400, "BadParameter"]);
    const customs = (await kv.json<{ value: { properties: { type: string } }[] }>("GET", `/${AUTH}/roleDefinitions`)).body.value.filter((d) => d.properties.type === "CustomRole");
    expect(customs).toHaveLength(1);

    expect((await kv.json("DELETE", `/${AUTH}/roleDefinitions/${guid}`)).status).toBe(200);
    const gone = await kv.json<{ error: { code: string } }>("GET", `/${AUTH}/roleDefinitions/${guid}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, "RoleDefinitionNotFound"]);
  });

  it("a custom role in use cannot be deleted; its notDataActions subtract", async () => {
    const hsm = await makeHsm("hsmnot");
    const guid = crypto.randomUUID();
    const permissions = [{ dataActions: ["Microsoft.KeyVault/managedHsm/keys/*"], notDataActions: ["Microsoft.KeyVault/managedHsm/keys/delete"] }];
    expect((await hsm.client("admin").json("PUT", `/${AUTH}/roleDefinitions/${guid}`, { properties: { roleName: "No deletes", permissions } })).status).toBe(201);
    await assign(hsm, "/", guid);
    const other = hsm.client("other");
    expect((await other.json("GET", "/keys/k1")).status).toBe(404);
    const denied = await other.json<{ error: { code: string; message: string } }>("DELETE", "/keys/k1");
    expect([denied.status, denied.body.error.code]).toEqual([403, "Forbidden"]);
    expect(denied.body.error.message).toContain("Action: 'Microsoft.KeyVault/managedHsm/keys/delete'");
    expect((await hsm.client("admin").json("DELETE", `/${AUTH}/roleDefinitions/${guid}`)).status).toBe(400);
  });
});

describe("role assignments", () => {
  it("at /keys/{name}: grants on that key only, shaped and found at its own scope", async () => {
    const hsm = await makeHsm("hsmscope");
    const name = await assign(hsm, "/keys/k1", ROLES.cryptoUser);
    const kv = hsm.client("admin");
    const got = await kv.json<Record<string, unknown>>("GET", `/keys/k1/${AUTH}/roleAssignments/${name}`);
    expect(got.body).toStrictEqual({
      id: `/keys/k1/${AUTH}/roleAssignments/${name}`,
      name,
      type: "Microsoft.Authorization/roleAssignments",
      properties: { scope: "/keys/k1", roleDefinitionId: definitionId(ROLES.cryptoUser), principalId: hsm.otherId },
    });
    expect((await kv.json("GET", `/${AUTH}/roleAssignments/${name}`)).status).toBe(404);

    const other = hsm.client("other");
    expect((await other.json("GET", "/keys/k1")).status).toBe(404);
    expect((await other.json("GET", "/keys/K1/versions")).status).toBe(200);
    const elsewhere = await other.json<{ error: { code: string; innererror: { code: string }; message: string } }>("GET", "/keys/k2");
    expect([elsewhere.status, elsewhere.body.error.code, elsewhere.body.error.innererror.code]).toEqual([403, "Forbidden", "ForbiddenByRbac"]);
    expect(elsewhere.body.error.message).toContain("Action: 'Microsoft.KeyVault/managedHsm/keys/read/action'");
    expect(elsewhere.body.error.message).toContain(`Resource: '/managedHSMs/${hsm.name}/keys/k2'`);
    expect((await other.json("GET", "/keys")).status).toBe(403);
  });

  it("lists with atScope() and principalId filters; deletes once", async () => {
    const hsm = await makeHsm("hsmlist");
    const atRoot = await assign(hsm, "/", ROLES.cryptoOfficer);
    const atKey = await assign(hsm, "/keys/k1", ROLES.cryptoUser);
    const kv = hsm.client("admin");
    const names = async (path: string) => (await kv.json<{ value: { name: string }[] }>("GET", path)).body.value.map((a) => a.name).sort();
    expect(await names(`/${AUTH}/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${hsm.otherId}'`)}`)).toEqual([atRoot, atKey].sort());
    expect(await names(`/keys/k1/${AUTH}/roleAssignments?$filter=atScope()`)).toContain(atRoot);
    expect(await names(`/${AUTH}/roleAssignments?$filter=atScope()`)).not.toContain(atKey);
    expect((await kv.json("GET", `/${AUTH}/roleAssignments?$filter=${encodeURIComponent("roleName eq 'x'")}`)).status).toBe(400);

    expect((await kv.json("DELETE", `/keys/k1/${AUTH}/roleAssignments/${atKey}`)).status).toBe(200);
    const again = await kv.json<{ error: { code: string } }>("DELETE", `/keys/k1/${AUTH}/roleAssignments/${atKey}`);
    expect([again.status, again.body.error.code]).toEqual([404, "RoleAssignmentNotFound"]);
  });

  it("only a role that writes assignments may assign; a denial is audited once; bad requests change nothing", async () => {
    const hsm = await makeHsm("hsmwho");
    await assign(hsm, "/", ROLES.cryptoUser);
    const body = { properties: { roleDefinitionId: definitionId(ROLES.administrator), principalId: hsm.otherId } };
    const denied = await hsm.client("other").json<{ error: { code: string } }>("PUT", `/${AUTH}/roleAssignments/${crypto.randomUUID()}`, body);
    expect([denied.status, denied.body.error.code]).toEqual([403, "Forbidden"]);
    // The audit log is read with the HSM's own action, which this product's Managed HSM Audit Reader role grants.
    expect((await hsm.client("admin").json("GET", "/auditlog")).status).toBe(403);
    await assign(hsm, "/", ROLES.auditReader, hsm.adminId);
    const log = await hsm.client("admin").json<{ value: { operationName: string; resultCode: string; identity: { claim: { oid: string } } }[] }>("GET", "/auditlog");
    const denials = log.body.value.filter((r) => r.operationName === "RoleAssignmentCreate" && r.resultCode === "Forbidden");
    expect(denials.map((r) => r.identity.claim.oid)).toEqual([hsm.otherId]);
    const kv = hsm.client("admin");
    for (const [path, bad] of [
      [`/${AUTH}/roleAssignments/not-a-guid`, body],
      [`/${AUTH}/roleAssignments/${crypto.randomUUID()}`, { properties: { roleDefinitionId: definitionId(crypto.randomUUID()), principalId: hsm.otherId } }],
      [`/${AUTH}/roleAssignments/${crypto.randomUUID()}`, { properties: { roleDefinitionId: definitionId(ROLES.cryptoUser) } }],
      [`/keys/bad_name/${AUTH}/roleAssignments/${crypto.randomUUID()}`, body],
    ] as const) {
      expect([400, 404]).toContain((await kv.json("PUT", path, bad)).status);
    }
    const all = await kv.json<{ value: unknown[] }>("GET", `/${AUTH}/roleAssignments`);
    expect(all.body.value).toHaveLength(3);
  });
});

describe("settings", () => {
  it("lists, reads and updates AllowKeyManagementOperationsThroughARM as Azure shapes it", async () => {
    const hsm = await makeHsm("hsmset");
    const kv = hsm.client("admin");
    const setting = { name: "AllowKeyManagementOperationsThroughARM", value: "false", type: "boolean" };
    expect((await kv.json("GET", "/settings")).body).toStrictEqual({ settings: [setting] });
    expect((await kv.json("PATCH", "/settings/AllowKeyManagementOperationsThroughARM", { value: "true" })).body).toStrictEqual({ ...setting, value: "true" });
    expect((await kv.json("GET", "/settings/allowkeymanagementoperationsthroughARM")).body).toStrictEqual({ ...setting, value: "true" });
    expect((await kv.json("PATCH", "/settings/AllowKeyManagementOperationsThroughARM", { value: "True" })).status).toBe(400);
    expect((await kv.json("GET", "/settings/NoSuchSetting")).status).toBe(404);
    await assign(hsm, "/", ROLES.cryptoUser);
    expect((await hsm.client("other").json("PATCH", "/settings/AllowKeyManagementOperationsThroughARM", { value: "false" })).status).toBe(403);
    expect((await kv.json<{ value: string }>("GET", "/settings/AllowKeyManagementOperationsThroughARM")).body.value).toBe("true");
    // settings.json arrived in 7.4-preview.1, the version Python's administration 4.3 sends.
    expect((await vaultClient(hsm.name, null, "7.3", "managedhsm").json("GET", "/settings")).status).toBe(400);
  });
});

describe("a vault's host", () => {
  it("has no RBAC or settings paths", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("plainvault");
    expect((await vaultObject(name).create({ name, tenantId, retentionDays: 90, purgeProtection: false, sku: "premium" })).ok).toBe(true);
    const principal = await createPrincipal(tenantId);
    const kv = vaultClient(name, await tokenFor(principal.identityHeader as string));
    for (const path of [`/${AUTH}/roleDefinitions`, `/keys/${AUTH}/roleAssignments`, "/settings"]) {
      expect((await kv.json("GET", path)).status).toBe(404);
    }
  });
});
