import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dropVaultPointer, pointToVault, vaultStub } from "../../worker/clients/vault-stub.ts";
import { findRole } from "../../core/domain/rbac/built-in-roles.ts";
import type { VaultPlacement } from "../../core/domain/vault/placement.ts";
import { admin, createPrincipal, createTenant, setupVault, tokenFor, uniqueVaultName, vaultClient } from "../support/fixture.ts";
import { errorCode } from "../support/identity.ts";
import { expectError, type SecretBundle } from "../support/secrets.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/** docs/placement.md. Locally a jurisdiction's object is workerd's stand-in (test/do/vault-placement-ids.test.ts). */

const EU = { jurisdiction: "eu" } as const;
const FEDRAMP = { jurisdiction: "fedramp" } as const;
const ADMIN = "Key Vault Administrator";

const putVault = (tenantId: string, name: string, body: unknown = {}) => admin("PUT", `/tenants/${tenantId}/vaults/${name}`, body);
const getVault = (tenantId: string, name: string) => admin("GET", `/tenants/${tenantId}/vaults/${name}`);
const placementOf = async (response: Response) => ((await response.json()) as { placement: unknown }).placement;

/** The name's object in the default namespace, which holds the vault or, for a jurisdiction vault, the pointer. */
const defaultObject = (name: string) => env.VAULT.get(env.VAULT.idFromName(name));
const objectIn = (name: string, placement: VaultPlacement) => vaultStub(env, { name, placement });

const rows = (stub: DurableObjectStub, table: string) =>
  runInDurableObject(stub, (_instance, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);

describe("creating a vault with a placement", () => {
  it("reports it on creation, GET and list; a vault made without one reports nulls", async () => {
    const tenantId = await createTenant();
    const [placed, hinted, plain] = [uniqueVaultName("pleu"), uniqueVaultName("plhint"), uniqueVaultName("plnone")];
    const created = await putVault(tenantId, placed, { placement: { jurisdiction: "eu", locationHint: "weur" } });
    expect(created.status).toBe(201);
    expect(await placementOf(created)).toStrictEqual({ jurisdiction: "eu", locationHint: "weur" });
    expect(await placementOf(await getVault(tenantId, placed))).toStrictEqual({ jurisdiction: "eu", locationHint: "weur" });
    expect((await putVault(tenantId, hinted, { placement: { locationHint: "apac", jurisdiction: null } })).status).toBe(201);
    expect((await putVault(tenantId, plain, { placement: null })).status).toBe(201);

    const list = (await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()) as { value: Array<{ name: string; placement: unknown }> };
    expect(Object.fromEntries(list.value.map((v) => [v.name, v.placement]))).toStrictEqual({
      [placed]: { jurisdiction: "eu", locationHint: "weur" },
      [hinted]: { jurisdiction: null, locationHint: "apac" },
      [plain]: { jurisdiction: null, locationHint: null },
    });
    // Only a jurisdiction moves the vault out of the default namespace.
    expect(await defaultObject(hinted).describe()).toMatchObject({ name: hinted, placement: { locationHint: "apac" } });
    expect(await defaultObject(placed).describe()).toBeNull();
  });

  const JURISDICTIONS = "'eu', 'fedramp'";
  const HINTS = "'wnam', 'enam', 'sam', 'weur', 'eeur', 'apac', 'oc', 'afr', 'me'";
  it.each([
    [{ jurisdiction: "us" }, JURISDICTIONS],
    [{ jurisdiction: "EU" }, JURISDICTIONS],
    [{ jurisdiction: 7 }, JURISDICTIONS],
    [{ jurisdiction: "eu", locationHint: "mars" }, HINTS],
    [{ region: "eu" }, "'jurisdiction', 'locationHint'"],
    ["eu", "'jurisdiction', 'locationHint'"],
  ])("placement %j is 400 BadParameter naming %s, and makes nothing", async (placement, allowed) => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("plbad");
    const error = await errorCode(await putVault(tenantId, name, { placement }));
    expect([error.status, error.code]).toStrictEqual([400, "BadParameter"]);
    expect(error.message).toContain(allowed);
    expect((await errorCode(await getVault(tenantId, name))).code).toBe("VaultNotFound");
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()).toStrictEqual({ value: [] });
    expect(await defaultObject(name).locate()).toBeNull();
    // The name was not reserved either.
    expect((await putVault(tenantId, name, { placement: EU })).status).toBe(201);
  });

  it("cannot be changed: a second PUT is 409 VaultAlreadyExists, a settings PATCH 400, and the vault stays put", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("plfix");
    expect((await putVault(tenantId, name, { placement: EU })).status).toBe(201);
    const again = await errorCode(await putVault(tenantId, name, { placement: FEDRAMP }));
    expect([again.status, again.code]).toStrictEqual([409, "VaultAlreadyExists"]);
    const patch = await errorCode(await admin("PATCH", `/tenants/${tenantId}/vaults/${name}/settings`, { placement: FEDRAMP }));
    expect([patch.status, patch.code, patch.message]).toStrictEqual([400, "BadParameter", "Unknown setting 'placement'."]);
    expect(await placementOf(await getVault(tenantId, name))).toStrictEqual({ jurisdiction: "eu", locationHint: null });
    expect(await objectIn(name, FEDRAMP).describe()).toBeNull();
  });
});

describe("a vault in a jurisdiction", () => {
  it("keeps its secrets, role assignments and audit log in the jurisdiction's object; the default one holds only the pointer", async () => {
    const name = uniqueVaultName("pldata");
    // setupVault also PATCHes the vault's settings and assigns a role through the admin API.
    const { tenantId, kv } = await setupVault(name, ADMIN, { placement: EU });
    expect((await kv.json("PUT", "/secrets/placed", { value: "in-the-eu" })).status).toBe(200);
    expect((await kv.json<SecretBundle>("GET", "/secrets/placed")).body.value).toBe("in-the-eu");

    expect(await objectIn(name, EU).describe()).toMatchObject({ name, tenantId, placement: EU });
    expect(await rows(objectIn(name, EU), "object_versions")).toBe(1);
    expect(await rows(objectIn(name, EU), "role_assignments")).toBe(1);
    expect(await rows(objectIn(name, EU), "audit_log")).toBeGreaterThan(0);
    expect(await defaultObject(name).describe()).toBeNull();
    expect(await defaultObject(name).locate()).toStrictEqual({ kind: "pointer", placement: EU });
    for (const table of ["vault", "object_versions", "role_assignments", "audit_log"]) expect(await rows(defaultObject(name), table), table).toBe(0);

    const vaultPath = `/tenants/${tenantId}/vaults/${name}`;
    expect(await (await admin("GET", `${vaultPath}/roleAssignments`)).json()).toMatchObject({ value: [{ roleDefinitionName: ADMIN }] });
    expect(await (await admin("GET", `${vaultPath}/eventSubscriptions`)).json()).toStrictEqual({ value: [] });
    expect((await admin("GET", `${vaultPath}/settings`)).status).toBe(200);

    // Soft-deleted, it keeps its data and its name's pointer in place, and answers as a vault that does not exist;
    // purged (through the registry, which addresses it by the placement kept with its deletion), both are gone.
    expect((await admin("DELETE", vaultPath)).status).toBe(204);
    expect(await objectIn(name, EU).describe()).toBeNull();
    expect(await objectIn(name, EU).describeDeleted()).toMatchObject({ name, tenantId, placement: EU });
    expect(await defaultObject(name).locate()).toStrictEqual({ kind: "pointer", placement: EU });
    expectError(await kv.json("GET", "/secrets/placed"), 404, "VaultNotFound");
    expect((await admin("POST", `/tenants/${tenantId}/deletedVaults/${name}/purge`)).status).toBe(200);
    expect(await objectIn(name, EU).describeDeleted()).toBeNull();
    expect(await rows(objectIn(name, EU), "object_versions")).toBe(0);
    expect(await defaultObject(name).locate()).toBeNull();
    expectError(await kv.json("GET", "/secrets/placed"), 404, "VaultNotFound");
  });

  it("loses a deleted principal's role assignments, as a vault without a placement does", async () => {
    const name = uniqueVaultName("plprincipal");
    const { tenantId, principal } = await setupVault(name, ADMIN, { placement: EU });
    expect(await rows(objectIn(name, EU), "role_assignments")).toBe(1);
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${principal.id}`)).status).toBe(204);
    expect(await rows(objectIn(name, EU), "role_assignments")).toBe(0);
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults/${name}/roleAssignments`)).json()).toStrictEqual({ value: [] });
  });

  it("refuses the edge cache, which would keep its answers outside the jurisdiction", async () => {
    const name = uniqueVaultName("pledge");
    const { tenantId } = await setupVault(name, ADMIN, { placement: EU });
    const refused = await admin("PATCH", `/tenants/${tenantId}/vaults/${name}/settings`, { edgeCache: true });
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([400, "BadParameter"]);
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults/${name}/settings`)).json()).toMatchObject({ edgeCache: false });
  });

  it("is another tenant's like any vault: not found through the admin API, its token refused with a 401", async () => {
    const name = uniqueVaultName("pliso");
    const owner = await setupVault(name, ADMIN, { placement: EU });
    await owner.kv.json("PUT", "/secrets/mine", { value: "owner-only" });
    const other = await setupVault(uniqueVaultName("plother"), ADMIN, { placement: EU });

    expect((await errorCode(await getVault(other.tenantId, name))).code).toBe("VaultNotFound");
    const intruder = await vaultClient(name, other.token).json("GET", "/secrets/mine");
    expect(intruder.status).toBe(401);
    expect(JSON.stringify(intruder.body)).not.toContain("owner-only");
    const otherList = (await (await admin("GET", `/tenants/${other.tenantId}/vaults`)).json()) as { value: Array<{ name: string }> };
    expect(otherList.value.map((v) => v.name)).not.toContain(name);
  });
});

/** VaultDelete, then VaultPut for another tenant, as another isolate runs them: this isolate's caches keep the old vault. */
async function remakeFromAnotherIsolate(oldTenant: string, name: string, from: VaultPlacement, to: VaultPlacement) {
  await objectIn(name, from).destroy();
  await dropVaultPointer(env, name);
  await env.TENANT.get(env.TENANT.idFromName(oldTenant)).removeVault(name);
  const registry = env.REGISTRY.get(env.REGISTRY.idFromName("registry"));
  await registry.releaseVaultName(name);
  const tenantId = await createTenant();
  expect((await registry.reserveVaultName(name, tenantId)).ok).toBe(true);
  await pointToVault(env, name, to);
  const settings = { name, tenantId, retentionDays: 90, purgeProtection: false, sku: "standard", placement: to } as const;
  expect((await objectIn(name, to).create(settings)).ok).toBe(true);
  const principal = await createPrincipal(tenantId);
  const role = findRole(ADMIN)?.id ?? "";
  await objectIn(name, to).putRoleAssignment({ id: crypto.randomUUID(), principalId: principal.id, roleDefinitionId: role, scope: "/", created: 0 });
  return vaultClient(name, await tokenFor(principal.identityHeader ?? ""));
}

describe("a name made again in another place", () => {
  it("eu, then fedramp for another tenant: the new vault is reached in its new place, empty, and the old one is gone", async () => {
    const name = uniqueVaultName("plmove");
    const first = await setupVault(name, ADMIN, { placement: EU });
    await first.kv.json("PUT", "/secrets/old", { value: "first-tenant" });
    expect((await admin("DELETE", `/tenants/${first.tenantId}/vaults/${name}`)).status).toBe(204);
    expect((await admin("POST", `/tenants/${first.tenantId}/deletedVaults/${name}/purge`)).status).toBe(200);

    const second = await setupVault(name, ADMIN, { placement: FEDRAMP });
    expectError(await second.kv.json("GET", "/secrets/old"), 404, "SecretNotFound");
    await second.kv.json("PUT", "/secrets/new", { value: "second-tenant" });
    expect((await second.kv.json<SecretBundle>("GET", "/secrets/new")).body.value).toBe("second-tenant");
    expect(await rows(objectIn(name, FEDRAMP), "object_versions")).toBe(1);
    expect(await objectIn(name, EU).describe()).toBeNull();
    expect(await rows(objectIn(name, EU), "object_versions")).toBe(0);
    expect(await defaultObject(name).locate()).toStrictEqual({ kind: "pointer", placement: FEDRAMP });
    expect((await vaultClient(name, first.token).json("GET", "/secrets/new")).status).toBe(401);
  });

  it("eu, then the default namespace: the default object is the vault and its old pointer is void", async () => {
    const name = uniqueVaultName("plback");
    const first = await setupVault(name, ADMIN, { placement: EU });
    expect((await admin("DELETE", `/tenants/${first.tenantId}/vaults/${name}`)).status).toBe(204);
    expect((await admin("POST", `/tenants/${first.tenantId}/deletedVaults/${name}/purge`)).status).toBe(200);
    const second = await setupVault(name, ADMIN);
    await second.kv.json("PUT", "/secrets/here", { value: "default" });
    expect(await defaultObject(name).locate()).toMatchObject({ kind: "vault", config: { name, tenantId: second.tenantId } });
    expect(await rows(defaultObject(name), "object_versions")).toBe(1);
    expect(await placementOf(await getVault(second.tenantId, name))).toStrictEqual({ jurisdiction: null, locationHint: null });
  });

  it("seen stale by an isolate: one request finds the old place empty (404), the next finds the new vault", async () => {
    const name = uniqueVaultName("plstale");
    const first = await setupVault(name, ADMIN, { placement: EU });
    await first.kv.json("PUT", "/secrets/old", { value: "first-tenant" });
    const second = await remakeFromAnotherIsolate(first.tenantId, name, EU, FEDRAMP);

    // This isolate still holds the first vault's settings: the call reaches the emptied eu object, never the new vault.
    expectError(await first.kv.json("GET", "/secrets/old"), 404, "VaultNotFound");
    // Then it looks again: the first tenant's token is refused by the new vault, the second's is served from fedramp.
    expect((await first.kv.json("GET", "/secrets/old")).status).toBe(401);
    expect((await second.json("PUT", "/secrets/new", { value: "second-tenant" })).status).toBe(200);
    expect((await second.json<SecretBundle>("GET", "/secrets/new")).body.value).toBe("second-tenant");
    expect(await rows(objectIn(name, FEDRAMP), "object_versions")).toBe(1);
    expectError(await second.json("GET", "/secrets/old"), 404, "SecretNotFound");
  });
});
