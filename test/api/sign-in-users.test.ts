import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, admin, createPrincipal, createTenant } from "../support/fixture.ts";
import { clientCredentialsToken } from "../support/identity.ts";
import { PASSWORD, createUser } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

describe("users in the admin API (docs/sign-in.md \"Users\")", () => {
  it("creates a user that is a principal of the tenant, and never shows its password", async () => {
    const tenantId = await createTenant();
    const response = await admin("POST", `/tenants/${tenantId}/users`, { userPrincipalName: "Alice@Contoso.Example", displayName: "Alice", password: PASSWORD });
    const text = await response.text();
    expect(response.status).toBe(201);
    expect(text).not.toContain(PASSWORD);
    const user = JSON.parse(text) as Record<string, unknown>;
    expect(user).toMatchObject({ type: "user", userPrincipalName: "alice@contoso.example", displayName: "Alice", tenantAdmin: false, enabled: true });
    expect(user.password).toBeUndefined();

    const principal = await admin("GET", `/tenants/${tenantId}/principals/${user.id as string}`);
    expect(principal.status).toBe(200);
    expect(await principal.json()).toMatchObject({ id: user.id, type: "user" });
    const listed = (await (await admin("GET", `/tenants/${tenantId}/users`)).json()) as { value: { id: string }[] };
    expect(listed.value.map((u) => u.id)).toEqual([user.id]);
    expect(await (await admin("GET", `/tenants/${tenantId}/users/${user.id as string}`)).json()).toMatchObject({ userPrincipalName: "alice@contoso.example" });
  });

  it("refuses a taken name (case-insensitively), a bad name, a short password and the name as password", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "bob@contoso.example");
    const taken = await admin("POST", `/tenants/${tenantId}/users`, { userPrincipalName: "BOB@contoso.example", password: PASSWORD });
    expect(taken.status).toBe(409);
    const cases: Record<string, unknown>[] = [
      { userPrincipalName: "not-an-email", password: PASSWORD },
      { userPrincipalName: "carol@contoso.example", password: "short" },
      { userPrincipalName: "carol@contoso.example", password: "Carol@Contoso.Example" },
      { userPrincipalName: "carol@contoso.example" },
      { userPrincipalName: "carol@contoso.example", password: PASSWORD, tenantAdmin: "yes" },
    ];
    for (const body of cases) {
      const response = await admin("POST", `/tenants/${tenantId}/users`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("BadParameter");
    }
    const listed = (await (await admin("GET", `/tenants/${tenantId}/users`)).json()) as { value: unknown[] };
    expect(listed.value).toHaveLength(1);
  });

  it("takes no workload credential: a federated identity credential, client secret or certificate on a person is 404", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "erin@contoso.example");
    const base = `/tenants/${tenantId}/principals/${user.id}`;
    const federated = await admin("PUT", `${base}/federatedIdentityCredentials/deploy-main`, { issuer: "https://token.actions.githubusercontent.com", subject: "repo:o/r:ref:refs/heads/main" });
    expect(federated.status).toBe(404);
    expect(((await federated.json()) as { error: { code: string } }).error.code).toBe("PrincipalNotFound");
    expect((await admin("POST", `${base}/secrets`, {})).status).toBe(404);
    expect((await admin("GET", `${base}/federatedIdentityCredentials`)).status).toBe(404);
  });

  it("changes a password under the policy, deletes a user, and answers 404 for what is not a user", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "dave@contoso.example");
    expect((await admin("PUT", `/tenants/${tenantId}/users/${user.id}/password`, { password: "x" })).status).toBe(400);
    expect((await admin("PUT", `/tenants/${tenantId}/users/${user.id}/password`, { password: "another long passphrase" })).status).toBe(204);
    expect(await (await admin("POST", `/tenants/${tenantId}/users/${user.id}/revokeSessions`)).json()).toEqual({ revoked: 0 });

    const app = await createPrincipal(tenantId, "servicePrincipal");
    for (const id of [app.id, crypto.randomUUID()]) {
      const response = await admin("GET", `/tenants/${tenantId}/users/${id}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("PrincipalNotFound");
      expect((await admin("DELETE", `/tenants/${tenantId}/users/${id}`)).status).toBe(404);
    }
    expect((await admin("DELETE", `/tenants/${tenantId}/users/${user.id}`)).status).toBe(204);
    expect((await admin("GET", `/tenants/${tenantId}/users/${user.id}`)).status).toBe(404);
    expect((await admin("GET", `/tenants/${tenantId}/principals/${user.id}`)).status).toBe(404);
  });

  it("does not let another tenant's admin see the users", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    await createUser(a, "erin@contoso.example");
    const otherAdmin = await createPrincipal(b, "servicePrincipal", { tenantAdmin: true });
    const token = await clientCredentialsToken(b, otherAdmin.appId, otherAdmin.clientSecret as string, `${ISSUER_ORIGIN}/admin/.default`);
    expect((await admin("GET", `/tenants/${b}/users`, undefined, token)).status).toBe(200);
    expect((await admin("GET", `/tenants/${a}/users`, undefined, token)).status).toBe(401);
    expect((await admin("POST", `/tenants/${a}/users`, { userPrincipalName: "mallory@contoso.example", password: PASSWORD }, token)).status).toBe(401);
  });
});
