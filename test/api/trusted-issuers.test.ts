/**
 * Trusted external issuers (issue 17; docs/access-control.md "Trusted external issuers"): a tenant trusts an
 * Entra-style issuer the operator allow-lists; its tokens for the vault resource are accepted on the tenant's vaults
 * for the object ids the trust maps, and the roles naming those oids apply. The local OIDC issuer's key stands in for
 * an external directory (it signs whatever claims a test asks for); an Entra v1-shaped remote issuer is served by
 * fetchMock. The Worker's fetch handler is called with a changed env, as federated-token-exchange.test.ts does.
 */
import { createExecutionContext, env, fetchMock, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { LOCAL_OIDC_PURPOSE } from "../../worker/auth/client-assertion.ts";
import { RootKey, rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { derivedP256Key, type DerivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { localIssuerKey } from "../../core/crypto/release/local-authority-key.ts";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { TENANT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { ISSUER_ORIGIN, OPERATOR_KEY, VAULT_RESOURCE, API_VERSION, admin, assignRole, createPrincipal, createTenant, setupVault, uniqueVaultName } from "../support/fixture.ts";
import { alterSignature, expectChallenge } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

const LOCAL_ISSUER = `${ISSUER_ORIGIN}/local-oidc`;
const ENTRA_TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ENTRA_V1 = `https://sts.windows.net/${ENTRA_TID}/`;
const TRUSTED: Partial<Env> = { FEDERATED_TOKEN_ISSUERS: `${LOCAL_ISSUER} ${ENTRA_V1}` };

async function call(overrides: Partial<Env>, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function adminCall(method: string, path: string, body?: unknown, overrides: Partial<Env> = TRUSTED, bearer = OPERATOR_KEY): Promise<{ status: number; body: Record<string, unknown> }> {
  const init = { method, headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const response = await call(overrides, new Request(`${ISSUER_ORIGIN}/admin${path}`, init));
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> };
}

const readSecret = (vault: string, token: string, overrides: Partial<Env> = TRUSTED) =>
  call(overrides, new Request(`https://${vault}.vault.localhost:8443/secrets/db?api-version=${API_VERSION}`, { headers: { Authorization: `Bearer ${token}` } }));

const now = () => Math.floor(Date.now() / 1000);
const localKey = async () => localIssuerKey(await rootKeyFromEnv(env.ROOT_KEY), LOCAL_OIDC_PURPOSE);

/** An Entra-shaped access token for the vault, signed by the local issuer's key (or as `claims` change it). */
async function mint(oid: string, claims: Record<string, unknown> = {}): Promise<string> {
  const { key, jwk } = await localKey();
  const iat = now();
  const payload = { iss: LOCAL_ISSUER, aud: VAULT_RESOURCE, tid: ENTRA_TID, oid, appid: "0c1f7a5e-1b9e-4a57-9d0a-4c7f4f1d2b3a", idtyp: "app", iat, nbf: iat, exp: iat + 600, ...claims };
  return compactJws({ kid: jwk.kid, typ: "JWT" }, payload, key);
}

const trustPath = (tenantId: string, name = "contoso") => `/tenants/${tenantId}/trustedIssuers/${name}`;

async function trust(tenantId: string, objectIds: string[], issuer = LOCAL_ISSUER, name = "contoso"): Promise<void> {
  const put = await adminCall("PUT", trustPath(tenantId, name), { issuer, tenantId: ENTRA_TID, objectIds });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
}

/** A vault with secret `db` and a tenant that trusts the local issuer for `mapped` oids. */
async function trustedVault(mapped: string[]) {
  const vault = uniqueVaultName("xiss");
  const setup = await setupVault(vault);
  expect((await setup.kv.json("PUT", "/secrets/db", { value: "s3cret" })).status).toBe(200);
  await trust(setup.tenantId, mapped);
  return { vault, ...setup };
}

describe("trusted external issuers: the admin API", () => {
  it("puts, reads, lists, replaces and deletes a trust; every call is audited", async () => {
    const tenantId = await createTenant();
    const oid = crypto.randomUUID();
    const put = await adminCall("PUT", trustPath(tenantId), { issuer: LOCAL_ISSUER, tenantId: ENTRA_TID.toUpperCase(), objectIds: [oid] });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id: `/tenants/${tenantId}/trustedIssuers/contoso`, name: "contoso", issuer: LOCAL_ISSUER, tenantId: ENTRA_TID, objectIds: [oid] });
    const second = crypto.randomUUID();
    const replaced = await adminCall("PUT", trustPath(tenantId), { issuer: LOCAL_ISSUER, objectIds: [oid, second] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ tenantId: null, objectIds: [oid, second].sort(), created: put.body.created });
    expect((await adminCall("GET", trustPath(tenantId))).body).toEqual(replaced.body);
    expect((await adminCall("GET", `/tenants/${tenantId}/trustedIssuers`)).body).toEqual({ value: [replaced.body] });
    expect((await adminCall("DELETE", trustPath(tenantId))).status).toBe(204);
    expectError(await adminCall("GET", trustPath(tenantId)), 404, "NotFound");
    expectError(await adminCall("DELETE", trustPath(tenantId)), 404, "NotFound");
    expectError(await adminCall("GET", trustPath(crypto.randomUUID())), 404, "TenantNotFound");
    const log = (await adminCall("GET", `/tenants/${tenantId}/auditLog?maxresults=25`)).body as { value: { operationName: string; httpStatusCode: number }[] };
    const ops = log.value.filter((r) => r.operationName.startsWith("TrustedIssuer")).map((r) => [r.operationName, r.httpStatusCode]);
    expect(ops).toEqual(expect.arrayContaining([["TrustedIssuerPut", 201], ["TrustedIssuerPut", 200], ["TrustedIssuerGet", 200], ["TrustedIssuerList", 200], ["TrustedIssuerDelete", 204], ["TrustedIssuerGet", 404]]));
  });

  it("answers bad input with 400 (a re-used issuer with 409) and changes nothing", async () => {
    const tenantId = await createTenant();
    const own = await createPrincipal(tenantId);
    const mapped = crypto.randomUUID();
    await trust(tenantId, [mapped]);
    const before = (await adminCall("GET", `/tenants/${tenantId}/trustedIssuers`)).body;
    const fresh = crypto.randomUUID();
    const bad: unknown[] = [
      {},
      { issuer: 5, objectIds: [fresh] },
      { issuer: "http://localhost:8443/local-oidc", objectIds: [fresh] },
      { issuer: "https://not-allowed.example.com", objectIds: [fresh] },
      { issuer: `${LOCAL_ISSUER}?x=1`, objectIds: [fresh] },
      { issuer: ENTRA_V1 },
      { issuer: ENTRA_V1, objectIds: [] },
      { issuer: ENTRA_V1, objectIds: "x" },
      { issuer: ENTRA_V1, objectIds: ["not-a-guid"] },
      { issuer: ENTRA_V1, objectIds: [fresh, fresh] },
      { issuer: ENTRA_V1, objectIds: Array.from({ length: 201 }, () => crypto.randomUUID()) },
      { issuer: ENTRA_V1, objectIds: [fresh], tenantId: "contoso.onmicrosoft.com" },
      { issuer: ENTRA_V1, objectIds: [fresh], audience: "x" },
      { issuer: ENTRA_V1, objectIds: [fresh], name: "another" },
      { issuer: ENTRA_V1, objectIds: [own.id] },
      { issuer: ENTRA_V1, objectIds: [mapped] },
      [ENTRA_V1],
    ];
    for (const body of bad) expectError(await adminCall("PUT", trustPath(tenantId, "other"), body), 400, "BadParameter");
    for (const name of ["ab", "bad name", "-dash", "x".repeat(121)]) expectError(await adminCall("PUT", trustPath(tenantId, encodeURIComponent(name)), { issuer: ENTRA_V1, objectIds: [fresh] }), 400, "BadParameter");
    // Not on the operator's allow-list: the deployment's own configuration, whatever the tenant admin asks.
    expectError(await adminCall("PUT", trustPath(tenantId, "other"), { issuer: ENTRA_V1, objectIds: [fresh] }, { FEDERATED_TOKEN_ISSUERS: "" }), 400, "BadParameter");
    expectError(await adminCall("PUT", trustPath(tenantId, "other"), { issuer: LOCAL_ISSUER, objectIds: [fresh] }), 409, "Conflict");
    expect((await adminCall("GET", `/tenants/${tenantId}/trustedIssuers`)).body).toEqual(before);
    expectError(await adminCall("GET", trustPath(tenantId, "other")), 404, "NotFound");
  });

  it("lets role assignments name a mapped external oid, and no other unknown id", async () => {
    const vault = uniqueVaultName("xissra");
    const { tenantId } = await setupVault(vault);
    const mapped = crypto.randomUUID();
    await trust(tenantId, [mapped]);
    await assignRole(tenantId, vault, mapped, "Key Vault Secrets User");
    const unknown = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName: "Key Vault Secrets User", principalId: crypto.randomUUID() });
    expectError({ status: unknown.status, body: await unknown.json() }, 404, "PrincipalNotFound");
  });

  it("tenant migration 0009 applies to a tenant at 0008 with its principals intact", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    await runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), (_instance, state) => {
      state.storage.sql.exec("DROP TABLE trusted_issuer_objects");
      state.storage.sql.exec("DROP TABLE trusted_issuers");
      for (const table of ["spent_sign_in_states", "external_identities", "sign_in_providers"]) state.storage.sql.exec(`DROP TABLE ${table}`); // tenant 0013
      for (const table of ["sign_in_settings", "device_codes", "refresh_tokens", "authorization_codes", "users"]) state.storage.sql.exec(`DROP TABLE ${table}`); // tenant 0011-0012
      state.storage.sql.exec("ALTER TABLE tenant DROP COLUMN dek_root_version"); // tenant 0010
      state.storage.sql.exec("DELETE FROM schema_migrations WHERE version >= 9");
      expect(migrate(state.storage, TENANT_MIGRATIONS)).toBe(TENANT_MIGRATIONS.length - 8);
    });
    expect((await admin("GET", `/tenants/${tenantId}/principals/${sp.id}`)).status).toBe(200);
    await trust(tenantId, [crypto.randomUUID()]);
  });
});

describe("trusted external issuers: the data plane", () => {
  it("accepts a mapped oid's token where it holds a role, 403 where it holds none; the tenant's own tokens work as before", async () => {
    const [reader, idle] = [crypto.randomUUID(), crypto.randomUUID()];
    const { vault, tenantId, token } = await trustedVault([reader, idle]);
    await assignRole(tenantId, vault, reader, "Key Vault Secrets User");
    const ok = await readSecret(vault, await mint(reader));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { value: string }).value).toBe("s3cret");
    // v2 tokens name the application `azp`, not `appid`; the same token again is answered from the isolate's memory.
    const v2 = await mint(reader, { appid: undefined, azp: "11111111-2222-3333-4444-555555555555", ver: "2.0" });
    for (let i = 0; i < 2; i++) expect((await readSecret(vault, v2)).status).toBe(200);
    const denied = await readSecret(vault, await mint(idle));
    expectError({ status: denied.status, body: await denied.json() }, 403, "Forbidden", "ForbiddenByRbac");
    expect((await readSecret(vault, token)).status).toBe(200);
  });

  it("applies access policies naming a mapped oid under the vault's tenant", async () => {
    const [reader, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const { vault, tenantId } = await trustedVault([reader, other]);
    const entry = { tenantId, objectId: reader, permissions: { secrets: ["get"] } };
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { enableRbacAuthorization: false, accessPolicies: [entry] })).status).toBe(200);
    expect((await readSecret(vault, await mint(reader))).status).toBe(200);
    const denied = await readSecret(vault, await mint(other));
    expectError({ status: denied.status, body: await denied.json() }, 403, "Forbidden", "AccessDenied");
  });

  it("refuses with the usual 401 challenge whatever is wrong, revealing nothing", async () => {
    const reader = crypto.randomUUID();
    const { vault, tenantId, principal } = await trustedVault([reader]);
    await assignRole(tenantId, vault, reader, "Key Vault Secrets User");
    const refused = [
      await mint(reader, { tid: crypto.randomUUID() }),
      await mint(reader, { tid: undefined }),
      await mint(reader, { aud: "https://management.azure.com" }),
      await mint(reader, { exp: now() - 300, nbf: now() - 900 }),
      await mint(reader, { nbf: now() + 600 }),
      await mint(reader, { exp: undefined }),
      alterSignature(await mint(reader)),
      await mint(crypto.randomUUID()),
      await mint(principal.id),
      await mint(reader, { oid: undefined, sub: reader }),
      await mint(reader, { iss: `${ISSUER_ORIGIN}/${tenantId}/v2.0` }),
      await mint(reader, { iss: `${LOCAL_ISSUER}/` }),
      await mint(reader, { iss: "https://evil.example.com" }),
    ];
    for (const bad of refused) await expectChallenge(await readSecret(vault, bad), tenantId);
    // The admin API takes the tenant's own tokens only: a trusted directory's token for it is refused.
    const forAdmin = await adminCall("GET", `/tenants/${tenantId}`, undefined, TRUSTED, await mint(reader, { aud: `${ISSUER_ORIGIN}/admin` }));
    expectError(forAdmin, 401, "Unauthorized");
    const good = await mint(reader);
    expect((await readSecret(vault, good)).status).toBe(200);
    // The operator withdraws the issuer: the tenant's trust no longer counts.
    await expectChallenge(await readSecret(vault, good, { FEDERATED_TOKEN_ISSUERS: "" }), tenantId);
    // The tenant withdraws it: the same token, remembered a moment ago, is refused at once.
    expect((await adminCall("DELETE", trustPath(tenantId))).status).toBe(204);
    await expectChallenge(await readSecret(vault, good), tenantId);
  });

  it("a trust of another tenant counts for nothing here", async () => {
    const outsider = crypto.randomUUID();
    const vault = uniqueVaultName("xissb");
    const { tenantId, kv } = await setupVault(vault);
    expect((await kv.json("PUT", "/secrets/db", { value: "s3cret" })).status).toBe(200);
    await expectChallenge(await readSecret(vault, await mint(outsider)), tenantId);
    const other = await createTenant();
    await trust(other, [outsider]);
    await expectChallenge(await readSecret(vault, await mint(outsider)), tenantId);
  });
});

describe("trusted external issuers: an Entra v1-shaped remote issuer", () => {
  let entraKey: DerivedP256Key;
  const fetched: string[] = [];

  beforeAll(async () => {
    entraKey = await derivedP256Key(await RootKey.fromSecret(btoa("e".repeat(32))), "entra-issuer");
    fetchMock.activate();
    fetchMock.disableNetConnect();
    const remote = fetchMock.get("https://sts.windows.net");
    remote
      .intercept({ path: `/${ENTRA_TID}/.well-known/openid-configuration` })
      .reply(() => {
        fetched.push("discovery");
        return { statusCode: 200, data: JSON.stringify({ issuer: ENTRA_V1, jwks_uri: `https://sts.windows.net/${ENTRA_TID}/discovery/keys` }) };
      })
      .persist();
    remote
      .intercept({ path: `/${ENTRA_TID}/discovery/keys` })
      .reply(() => {
        fetched.push("keys");
        return { statusCode: 200, data: JSON.stringify({ keys: [{ ...entraKey.publicJwk, kid: "entra-1", use: "sig" }] }) };
      })
      .persist();
  });

  afterAll(() => {
    fetchMock.deactivate();
  });

  const entraToken = (oid: string, claims: Record<string, unknown> = {}) =>
    compactJws({ kid: "entra-1", typ: "JWT" }, { iss: ENTRA_V1, aud: `${VAULT_RESOURCE}/`, tid: ENTRA_TID, oid, appid: crypto.randomUUID(), ver: "1.0", exp: now() + 600, ...claims }, entraKey);

  it("verifies with the keys its discovery document names; `iss` must be exactly the trusted one", async () => {
    const reader = crypto.randomUUID();
    const vault = uniqueVaultName("xissentra");
    const { tenantId, kv } = await setupVault(vault);
    expect((await kv.json("PUT", "/secrets/db", { value: "s3cret" })).status).toBe(200);
    await trust(tenantId, [reader], ENTRA_V1, "entra");
    await assignRole(tenantId, vault, reader, "Key Vault Secrets User");
    expect((await readSecret(vault, entraToken(reader))).status).toBe(200);
    expect(fetched).toEqual(expect.arrayContaining(["discovery", "keys"]));
    await expectChallenge(await readSecret(vault, entraToken(reader, { iss: ENTRA_V1.slice(0, -1) })), tenantId);
    // Signed by another key under the issuer's kid: refused.
    const forged = compactJws({ kid: "entra-1", typ: "JWT" }, { iss: ENTRA_V1, aud: VAULT_RESOURCE, tid: ENTRA_TID, oid: reader, exp: now() + 600 }, (await localKey()).key);
    await expectChallenge(await readSecret(vault, forged), tenantId);
  });
});
