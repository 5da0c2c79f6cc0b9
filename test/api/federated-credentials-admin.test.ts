/**
 * A principal's federated identity credentials through the admin API (issue 17; docs/access-control.md "Workload
 * identity federation"), in Microsoft Graph's shape and limits: PUT creates (201) or replaces (200) by name, GET
 * lists and reads, DELETE removes; every bad request is a 400 that changes nothing; each call is audited.
 */
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, OPERATOR_KEY, admin, createPrincipal, createTenant, tokenFor } from "../support/fixture.ts";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { TENANT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { clientCredentials } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, readJson } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

interface Credential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string;
}

const GITHUB = "https://token.actions.githubusercontent.com";
const credentialsOf = (tenantId: string, principalId: string) => `/tenants/${tenantId}/principals/${principalId}/federatedIdentityCredentials`;
const listOf = async (tenantId: string, principalId: string) => (await readJson<{ value: Credential[] }>(await admin("GET", credentialsOf(tenantId, principalId)))).body.value;

describe("federated identity credentials (admin API)", () => {
  it("are created, replaced, read, listed and deleted in Graph's shape", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const path = `${credentialsOf(tenantId, sp.id)}/deploy-main`;
    const created = await readJson<Credential>(await admin("PUT", path, { issuer: GITHUB, subject: "repo:contoso/app:ref:refs/heads/main", description: "CI" }));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "deploy-main",
      issuer: GITHUB,
      subject: "repo:contoso/app:ref:refs/heads/main",
      audiences: ["api://AzureADTokenExchange"],
      description: "CI",
    });

    const replaced = await readJson<Credential>(await admin("PUT", path, { issuer: GITHUB, subject: "repo:contoso/app:environment:prod", audiences: ["api://custom"] }));
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: created.body.id, subject: "repo:contoso/app:environment:prod", audiences: ["api://custom"], description: "" });

    const read = await readJson<Credential>(await admin("GET", path));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(replaced.body);
    expect(await listOf(tenantId, sp.id)).toEqual([replaced.body]);

    expect((await admin("DELETE", path)).status).toBe(204);
    expectError(await readJson(await admin("GET", path)), 404, "NotFound");
    expectError(await readJson(await admin("DELETE", path)), 404, "NotFound");
    expect(await listOf(tenantId, sp.id)).toEqual([]);
  });

  it("a managed identity holds them too, and deleting the principal deletes them", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId);
    expect((await admin("PUT", `${credentialsOf(tenantId, mi.id)}/aks-pod`, { issuer: "https://oidc.prod-aks.azure.com/abc/", subject: "system:serviceaccount:default:app" })).status).toBe(201);
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${mi.id}`)).status).toBe(204);
    expectError(await readJson(await admin("GET", credentialsOf(tenantId, mi.id))), 404, "PrincipalNotFound");
  });

  it("refuses bad input with a 400 and changes nothing", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const base = credentialsOf(tenantId, sp.id);
    const good = { issuer: GITHUB, subject: "repo:contoso/app:ref:refs/heads/main" };
    expect((await admin("PUT", `${base}/kept`, good)).status).toBe(201);
    const before = await listOf(tenantId, sp.id);

    const long = "x".repeat(601);
    const badBodies: unknown[] = [
      {},
      { subject: "s" },
      { ...good, issuer: "" },
      { ...good, issuer: "http://token.actions.githubusercontent.com" },
      { ...good, issuer: "not a url" },
      { ...good, issuer: `${GITHUB}?x=1` },
      { ...good, issuer: `https://${"a".repeat(600)}.example` },
      { ...good, subject: "" },
      { ...good, subject: 42 },
      { ...good, subject: long },
      { ...good, audiences: [] },
      { ...good, audiences: ["a", "b"] },
      { ...good, audiences: "api://AzureADTokenExchange" },
      { ...good, audiences: [7] },
      { ...good, audiences: [long] },
      { ...good, description: long },
      { ...good, description: 1 },
      { ...good, name: "another-name" },
      [good],
      "text",
    ];
    for (const body of badBodies) {
      const answer = await readJson(await admin("PUT", `${base}/fresh`, body));
      expectError(answer, 400, "BadParameter");
    }
    for (const name of ["ab", "-leading-dash", "has.dot", "has space", "x".repeat(121), "ünicode"]) {
      expectError(await readJson(await admin("PUT", `${base}/${encodeURIComponent(name)}`, good)), 400, "BadParameter");
    }
    const notJson = await SELF.fetch(`${ISSUER_ORIGIN}/admin${base}/fresh`, { method: "PUT", headers: { Authorization: `Bearer ${OPERATOR_KEY}`, "Content-Type": "application/json" }, body: "{not json" });
    expect(notJson.status).toBe(400);
    // The same issuer and subject under another name (Graph: unique per application).
    expectError(await readJson(await admin("PUT", `${base}/fresh`, good)), 400, "BadParameter");
    expect(await listOf(tenantId, sp.id)).toEqual(before);
  });

  it("holds at most 20 per principal", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const base = credentialsOf(tenantId, sp.id);
    for (let i = 0; i < 20; i++) expect((await admin("PUT", `${base}/cred-${i}`, { issuer: GITHUB, subject: `s-${i}` })).status).toBe(201);
    expectError(await readJson(await admin("PUT", `${base}/cred-20`, { issuer: GITHUB, subject: "s-20" })), 400, "BadParameter");
    // Replacing one of the twenty is not a twenty-first.
    expect((await admin("PUT", `${base}/cred-3`, { issuer: GITHUB, subject: "s-3b" })).status).toBe(200);
    expect(await listOf(tenantId, sp.id)).toHaveLength(20);
  });

  it("answers unknown principals and tenants, and other tenants' admins, as the other admin routes do; every call is audited", async () => {
    const tenantId = await createTenant();
    const other = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    expectError(await readJson(await admin("PUT", `${credentialsOf(tenantId, crypto.randomUUID())}/abc`, { issuer: GITHUB, subject: "s" })), 404, "PrincipalNotFound");
    expectError(await readJson(await admin("GET", `${credentialsOf(crypto.randomUUID(), sp.id)}`)), 404, "TenantNotFound");
    const otherAdmin = await createPrincipal(other, "managedIdentity", { tenantAdmin: true });
    const otherToken = await tokenFor(otherAdmin.identityHeader as string, `${ISSUER_ORIGIN}/admin`);
    expectError(await readJson(await admin("PUT", `${credentialsOf(tenantId, sp.id)}/abc`, { issuer: GITHUB, subject: "s" }, otherToken)), 401, "Unauthorized");
    expect(await listOf(tenantId, sp.id)).toEqual([]);

    expect((await admin("PUT", `${credentialsOf(tenantId, sp.id)}/audited`, { issuer: GITHUB, subject: "s" })).status).toBe(201);
    expect((await admin("DELETE", `${credentialsOf(tenantId, sp.id)}/audited`)).status).toBe(204);
    const log = await readJson<{ value: { operationName: string; httpStatusCode: number }[] }>(await admin("GET", `/tenants/${tenantId}/auditLog?maxresults=25`));
    const federated = log.body.value.filter((r) => r.operationName.startsWith("FederatedCredential")).map((r) => [r.operationName, r.httpStatusCode]);
    expect(federated).toEqual(
      expect.arrayContaining([
        ["FederatedCredentialPut", 404],
        ["FederatedCredentialList", 200],
        ["FederatedCredentialPut", 401],
        ["FederatedCredentialPut", 201],
        ["FederatedCredentialDelete", 204],
      ]),
    );
  });

  it("tenant migrations from 0005 on apply to a tenant at 0004 with its principals and secrets intact", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const tenant = env.TENANT.get(env.TENANT.idFromName(tenantId));
    await runInDurableObject(tenant, (_instance, state) => {
      // Back to schema 4, as a tenant written before this migration shipped.
      state.storage.sql.exec("DROP TABLE federated_credentials");
      state.storage.sql.exec("DROP TABLE used_assertions");
      state.storage.sql.exec("DROP TABLE principal_certificates");
      state.storage.sql.exec("DROP TABLE role_definitions"); // tenant 0007
      state.storage.sql.exec("DROP TABLE policy_assignments"); // tenant 0008
      state.storage.sql.exec("DROP TABLE trusted_issuer_objects"); // tenant 0009
      state.storage.sql.exec("DROP TABLE trusted_issuers");
      for (const table of ["spent_sign_in_states", "external_identities", "sign_in_providers"]) state.storage.sql.exec(`DROP TABLE ${table}`); // tenant 0013
      for (const table of ["sign_in_settings", "device_codes", "refresh_tokens", "authorization_codes", "users"]) state.storage.sql.exec(`DROP TABLE ${table}`); // tenant 0011-0012
      state.storage.sql.exec("ALTER TABLE tenant DROP COLUMN dek_root_version"); // tenant 0010
      state.storage.sql.exec("DELETE FROM schema_migrations WHERE version >= 5");
      expect(migrate(state.storage, TENANT_MIGRATIONS.filter((m) => m.version <= 4))).toBe(0);
      expect(migrate(state.storage, TENANT_MIGRATIONS)).toBe(TENANT_MIGRATIONS.length - 4);
    });
    expect((await clientCredentials(tenantId, sp.appId, sp.clientSecret as string)).status).toBe(200);
    expect((await admin("PUT", `${credentialsOf(tenantId, sp.id)}/after-migration`, { issuer: GITHUB, subject: "s" })).status).toBe(201);
    expect((await admin("GET", `/tenants/${tenantId}/principals/${sp.id}/certificates`)).status).toBe(200);
  });
});
