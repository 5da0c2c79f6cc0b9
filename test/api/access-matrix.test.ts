/**
 * The proof matrix of issue 17: every kind of grant — each built-in Key Vault role, a custom role with notDataActions,
 * an object-scoped assignment, a group's assignment, an access policy — against every vault data action (enumerated
 * from the operation descriptors; test/support/data-action-probes.ts holds one request per action). Each call is
 * allowed, or 403 Forbidden with the model's innererror (ForbiddenByRbac, or AccessDenied under access policies) and
 * the vault's stored state unchanged; each is exactly one audit record. What a grant should allow is worked out here,
 * from the grant's own definition, by a matcher of the test's: it does not ask the code under test.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ACCESS_POLICY_PERMISSIONS } from "../../core/contract/access-policy-permissions.ts";
import { OPERATIONS } from "../../core/contract/operations.ts";
import { BUILT_IN_ROLES } from "../../core/domain/rbac/built-in-roles.ts";
import { PROBES, makeShared, type Probe, type Shared } from "../support/data-action-probes.ts";
import { admin, assignRole, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { userTables } from "../support/storage.ts";

const KV = "Microsoft.KeyVault/vaults";
const MATRIX_TIMEOUT = { timeout: 300_000 } as const;

interface Grant {
  readonly label: string;
  readonly kv: VaultClient;
  readonly innererror: "ForbiddenByRbac" | "AccessDenied";
  readonly allows: (probe: Probe, n: string) => boolean;
  /** Before each call: what the grant needs for this probe's object (an object-scoped assignment). */
  readonly prepare?: (probe: Probe, n: string) => Promise<void>;
}

/** Azure's wildcard: `*` any run of characters, case ignored. The test's own, not the vault's matcher. */
const glob = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i").test(action);
const roleAllows = (dataActions: readonly string[], notDataActions: readonly string[]) => (probe: Probe) => {
  const action = OPERATIONS[probe.kind].action;
  return dataActions.some((p) => glob(p, action)) && !notDataActions.some((p) => glob(p, action));
};

const keyPair = (params: Parameters<typeof crypto.subtle.generateKey>[0], usages: string[]) =>
  crypto.subtle.generateKey(params, true, usages).then((p) => crypto.subtle.exportKey("jwk", (p as CryptoKeyPair).privateKey) as Promise<JsonWebKey>);
/** One RSA key for the whole file, imported into each vault: no case generates one. */
const testKeys = Promise.all([
  keyPair({ name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, ["decrypt", "encrypt"]),
  keyPair({ name: "ECDSA", namedCurve: "P-256" }, ["sign", "verify"]),
]).then(([rsa, ec]) => ({ rsa: { ...rsa, alg: undefined, key_ops: undefined, ext: undefined }, ec: { ...ec, key_ops: undefined, ext: undefined } }));

interface MatrixVault {
  readonly tenantId: string;
  readonly ownerId: string;
  readonly vault: string;
  readonly admin: VaultClient;
  readonly shared: Shared;
}

/** A vault whose administrator made the shared objects; `accessPolicies`: switched to that model first. */
async function matrixVault(prefix: string, accessPolicies?: (tenantId: string, ownerId: string) => unknown[]): Promise<MatrixVault> {
  const tenantId = await createTenant();
  const vault = uniqueVaultName(prefix);
  await createVault(tenantId, vault);
  const limits = { secretCreate: 1_000_000, secrets: 1_000_000, keyCreate: 1_000_000, keys: 1_000_000 };
  expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: limits })).status).toBe(200);
  expect((await admin("PUT", `/tenants/${tenantId}/throttleLimits`, limits)).status).toBe(200);
  const owner = await createPrincipal(tenantId);
  await assignRole(tenantId, vault, owner.id, "Key Vault Administrator");
  if (accessPolicies !== undefined) {
    const body = { enableRbacAuthorization: false, accessPolicies: accessPolicies(tenantId, owner.id) };
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, body)).status).toBe(200);
  }
  const adminKv = vaultClient(vault, await tokenFor(owner.identityHeader as string));
  const keys = await testKeys;
  const shared = await makeShared(adminKv, keys.rsa, keys.ec);
  await watchWrites(vault);
  return { tenantId, ownerId: owner.id, vault, admin: adminKv, shared };
}

async function member(tenantId: string): Promise<{ id: string; kv: (vault: string) => Promise<VaultClient> }> {
  const p = await createPrincipal(tenantId);
  return { id: p.id, kv: async (vault) => vaultClient(vault, await tokenFor(p.identityHeader as string)) };
}

const UNWATCHED = new Set(["audit_log", "throttle_windows", "throttle_usage", "schema_migrations", "matrix_writes"]);

/**
 * Counts every row written to the vault's tables but those a request always writes (its audit record, throttle
 * counters and their finished windows): triggers on each, so telling "nothing changed" costs one read, not a dump of a growing database.
 */
function watchWrites(vault: string): Promise<void> {
  return runInDurableObject(env.VAULT.get(env.VAULT.idFromName(vault)), (_instance, ctx) => {
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE matrix_writes (n INTEGER NOT NULL)");
    sql.exec("INSERT INTO matrix_writes VALUES (0)");
    for (const table of userTables(sql).filter((t) => !UNWATCHED.has(t))) {
      for (const event of ["INSERT", "UPDATE", "DELETE"]) {
        sql.exec(`CREATE TRIGGER "mx_${table}_${event}" AFTER ${event} ON "${table}" BEGIN UPDATE matrix_writes SET n = n + 1; END`);
      }
    }
  });
}

function snapshot(vault: string): Promise<{ writes: number; audit: number }> {
  return runInDurableObject(env.VAULT.get(env.VAULT.idFromName(vault)), (_instance, ctx) => ({
    writes: ctx.storage.sql.exec<{ n: number }>("SELECT n FROM matrix_writes").one().n,
    audit: ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log").one().n,
  }));
}

/**
 * Runs every probe for every grant on one vault; answers the cells that went wrong. Probe by probe: the setups of all
 * grants' cases first (concurrently), then each case alone, its "before" the previous case's "after" where nothing
 * ran in between.
 */
async function runMatrix(m: MatrixVault, grants: readonly Grant[]): Promise<string[]> {
  const wrong: string[] = [];
  let counter = 0;
  for (const probe of PROBES) {
    const cases = grants.map((grant) => ({ grant, context: { admin: m.admin, kv: grant.kv, n: `${(counter += 1)}`, shared: m.shared } }));
    await Promise.all(cases.map(({ context }) => probe.setup?.(context)));
    let before = await snapshot(m.vault);
    for (const { grant, context } of cases) {
      if (grant.prepare !== undefined) {
        await grant.prepare(probe, context.n);
        before = await snapshot(m.vault);
      }
      const response = await probe.call(context);
      const after = await snapshot(m.vault);
      const cell = `${grant.label} x ${probe.kind} (${OPERATIONS[probe.kind].action})`;
      const error = (response.body as { error?: { code: string; innererror?: { code: string } } } | null)?.error;
      if (grant.allows(probe, context.n)) {
        if (response.status !== probe.allowed) wrong.push(`${cell}: allowed expected ${probe.allowed}, got ${response.status} ${JSON.stringify(error)}`);
      } else {
        const shape = [response.status, error?.code, error?.innererror?.code];
        if (JSON.stringify(shape) !== JSON.stringify([403, "Forbidden", grant.innererror])) wrong.push(`${cell}: denial expected, got ${JSON.stringify(shape)}`);
        if (after.writes !== before.writes) wrong.push(`${cell}: denied, yet ${after.writes - before.writes} rows were written`);
      }
      if (after.audit !== before.audit + 1) wrong.push(`${cell}: ${after.audit - before.audit} audit records`);
      before = after;
    }
  }
  return wrong;
}

describe("access matrix: every grant x every vault data action", () => {
  it("the probes cover every vault data action the operation descriptors declare, once each", () => {
    const declared = new Set(Object.entries(OPERATIONS).flatMap(([kind, d]) => (kind.startsWith("hsm.") ? [] : [d.action])));
    const probed = PROBES.map((p) => OPERATIONS[p.kind].action);
    expect(new Set(probed)).toEqual(declared);
    expect(probed).toHaveLength(declared.size);
  });

  it("built-in roles at the vault", MATRIX_TIMEOUT, async () => {
    const m = await matrixVault("mxbuilt");
    const grants: Grant[] = [];
    for (const role of BUILT_IN_ROLES) {
      const p = await member(m.tenantId);
      await assignRole(m.tenantId, m.vault, p.id, role.name);
      grants.push({ label: role.name, kv: await p.kv(m.vault), innererror: "ForbiddenByRbac", allows: roleAllows(role.dataActions, role.notDataActions) });
    }
    const none = await member(m.tenantId);
    grants.push({ label: "no role", kv: await none.kv(m.vault), innererror: "ForbiddenByRbac", allows: () => false });
    expect(await runMatrix(m, grants)).toEqual([]);
  });

  it("a custom role with notDataActions, an object-scoped assignment and a group's assignment", MATRIX_TIMEOUT, async () => {
    const m = await matrixVault("mxcustom");
    const dataActions = [`${KV}/keys/*`, `${KV}/secrets/*`, `${KV}/*/read`];
    const notDataActions = [`${KV}/keys/purge/action`, `${KV}/secrets/getSecret/action`, `${KV}/keys/release/action`, `${KV}/secrets/*/action`];
    const roleId = crypto.randomUUID();
    const definition = { properties: { roleName: "Matrix Keeper", permissions: [{ dataActions, notDataActions }], assignableScopes: ["/"] } };
    expect((await admin("PUT", `/tenants/${m.tenantId}/roleDefinitions/${roleId}`, definition)).status).toBe(201);
    const custom = await member(m.tenantId);
    await assignRole(m.tenantId, m.vault, custom.id, roleId);

    const scoped = await member(m.tenantId);
    const prepare = async (probe: Probe, n: string) => {
      const scope = probe.object(n);
      if (scope === null) return;
      const body = { roleDefinitionName: "Key Vault Administrator", principalId: scoped.id, scope };
      expect((await admin("PUT", `/tenants/${m.tenantId}/vaults/${m.vault}/roleAssignments/${crypto.randomUUID()}`, body)).status).toBe(201);
    };

    const group = (await (await admin("POST", `/tenants/${m.tenantId}/groups`, { displayName: "matrix" })).json()) as { id: string };
    const inGroup = await member(m.tenantId);
    expect((await admin("PUT", `/tenants/${m.tenantId}/groups/${group.id}/members/${inGroup.id}`)).status).toBe(204);
    await assignRole(m.tenantId, m.vault, group.id, "Key Vault Crypto Officer");
    const cryptoOfficer = BUILT_IN_ROLES.find((r) => r.name === "Key Vault Crypto Officer");

    const grants: Grant[] = [
      { label: "custom role", kv: await custom.kv(m.vault), innererror: "ForbiddenByRbac", allows: roleAllows(dataActions, notDataActions) },
      { label: "Administrator at the object", kv: await scoped.kv(m.vault), innererror: "ForbiddenByRbac", allows: (p, n) => p.object(n) !== null, prepare },
      { label: "group's Crypto Officer", kv: await inGroup.kv(m.vault), innererror: "ForbiddenByRbac", allows: roleAllows(cryptoOfficer?.dataActions ?? [], []) },
    ];
    expect(await runMatrix(m, grants)).toEqual([]);
  });

  it("an access policy", MATRIX_TIMEOUT, async () => {
    const everything = { keys: ["all"], secrets: ["all"], certificates: ["all"] };
    const granted = { keys: ["get", "sign", "purge", "wrapKey", "rotate"], secrets: ["list", "set", "restore"], certificates: ["get", "listissuers", "managecontacts", "delete"] };
    const entry = (tenantId: string, objectId: string, permissions: object) => ({ tenantId, objectId, permissions });
    const m = await matrixVault("mxpolicy", (tenantId, ownerId) => [entry(tenantId, ownerId, everything)]);
    const p = await member(m.tenantId);
    const policies = [entry(m.tenantId, m.ownerId, everything), entry(m.tenantId, p.id, granted)];
    expect((await admin("PATCH", `/tenants/${m.tenantId}/vaults/${m.vault}/settings`, { accessPolicies: policies })).status).toBe(200);
    const allows = (probe: Probe) => {
      const needed = ACCESS_POLICY_PERMISSIONS[probe.kind as keyof typeof ACCESS_POLICY_PERMISSIONS];
      return granted[needed.collection].map((x) => x.toLowerCase()).includes(needed.permission.toLowerCase());
    };
    expect(await runMatrix(m, [{ label: "access policy", kv: await p.kv(m.vault), innererror: "AccessDenied", allows }])).toEqual([]);
  });
});
