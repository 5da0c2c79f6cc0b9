import { describe, expect, it } from "vitest";
import { AZURE_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { ISSUER_ORIGIN, VAULT_RESOURCE, admin, assignRole, createTenant, createVault, uniqueVaultName, vaultClient } from "../support/fixture.ts";
import { jwtParts } from "../support/identity.ts";
import { LOOPBACK, PASSWORD, createUser, pkcePair, signInForCode, tokenRequest, type TokenBody } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

async function signedIn(tenantId: string, userPrincipalName: string, scope = `${VAULT_RESOURCE}/.default openid profile offline_access`): Promise<TokenBody> {
  const { verifier, challenge } = await pkcePair();
  const code = await signInForCode(tenantId, userPrincipalName, { code_challenge: challenge, code_challenge_method: "S256", scope });
  const response = await tokenRequest(tenantId, { grant_type: "authorization_code", code, redirect_uri: LOOPBACK, code_verifier: verifier });
  const body = (await response.json()) as TokenBody;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

const refresh = (tenantId: string, token: string, scope?: string) =>
  tokenRequest(tenantId, { grant_type: "refresh_token", refresh_token: token, ...(scope === undefined ? {} : { scope }) });

async function expectRefused(response: Response, aadsts: number): Promise<void> {
  expect(response.status).toBe(400);
  expect(((await response.json()) as TokenBody).error_codes).toEqual([aadsts]);
}

describe("refresh tokens (rotation and revocation)", () => {
  it("rotates on every use; a rotated token used again revokes the whole family", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const first = await signedIn(tenantId, "alice@contoso.example");
    const second = (await (await refresh(tenantId, first.refresh_token ?? "")).json()) as TokenBody;
    expect(typeof second.access_token).toBe("string");
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const third = (await (await refresh(tenantId, second.refresh_token ?? "")).json()) as TokenBody;
    expect(typeof third.refresh_token).toBe("string");

    // The first token again: a thief or its holder replays it, so every token of the family stops working.
    await expectRefused(await refresh(tenantId, first.refresh_token ?? ""), 50173);
    await expectRefused(await refresh(tenantId, third.refresh_token ?? ""), 9002313);
  });

  it("is bound to its client, and ends with a password change or the admin's revokeSessions", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const a = await signedIn(tenantId, "alice@contoso.example");
    await expectRefused(await tokenRequest(tenantId, { client_id: AZURE_CLI_CLIENT_ID, grant_type: "refresh_token", refresh_token: a.refresh_token ?? "" }), 70000);

    const b = await signedIn(tenantId, "alice@contoso.example");
    const revoked = await admin("POST", `/tenants/${tenantId}/users/${user.id}/revokeSessions`);
    expect(((await revoked.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(1);
    await expectRefused(await refresh(tenantId, b.refresh_token ?? ""), 9002313);

    const c = await signedIn(tenantId, "alice@contoso.example");
    expect((await admin("PUT", `/tenants/${tenantId}/users/${user.id}/password`, { password: `${PASSWORD}!` })).status).toBe(204);
    await expectRefused(await refresh(tenantId, c.refresh_token ?? ""), 9002313);
  });

  it("ends with disabling the user, who then cannot sign in until enabled again", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const session = await signedIn(tenantId, "alice@contoso.example");
    expect((await admin("PATCH", `/tenants/${tenantId}/users/${user.id}`, { enabled: "no" })).status).toBe(400);
    const disabled = await admin("PATCH", `/tenants/${tenantId}/users/${user.id}`, { enabled: false });
    expect(await disabled.json()).toMatchObject({ id: user.id, enabled: false });
    await expectRefused(await refresh(tenantId, session.refresh_token ?? ""), 9002313);
    const { challenge } = await pkcePair();
    await expect(signInForCode(tenantId, "alice@contoso.example", { code_challenge: challenge, code_challenge_method: "S256" })).rejects.toThrow();
    expect((await admin("PATCH", `/tenants/${tenantId}/users/${user.id}`, { enabled: true })).status).toBe(200);
    expect(typeof (await signedIn(tenantId, "alice@contoso.example")).access_token).toBe("string");
  });

  it("issues no refresh token without offline_access, and none after the user is deleted", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const plain = await signedIn(tenantId, "alice@contoso.example", `${VAULT_RESOURCE}/.default`);
    expect(plain.refresh_token).toBeUndefined();
    expect(plain.id_token).toBeUndefined();
    const full = await signedIn(tenantId, "alice@contoso.example");
    expect((await admin("DELETE", `/tenants/${tenantId}/users/${user.id}`)).status).toBe(204);
    await expectRefused(await refresh(tenantId, full.refresh_token ?? ""), 9002313);
  });
});

describe("what a person's token may do", () => {
  it("reads a secret with a role on the vault, and is refused 403 without one", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("people");
    await createVault(tenantId, vault);
    const reader = await createUser(tenantId, "reader@contoso.example");
    await createUser(tenantId, "nobody@contoso.example");
    await assignRole(tenantId, vault, reader.id, "Key Vault Secrets Officer");

    const token = (await signedIn(tenantId, "reader@contoso.example")).access_token;
    const kv = vaultClient(vault, token);
    expect((await kv.json("PUT", "/secrets/greeting", { value: "hello" })).status).toBe(200);
    const read = await kv.json<{ value: string }>("GET", "/secrets/greeting");
    expect(read.body.value).toBe("hello");

    const other = vaultClient(vault, (await signedIn(tenantId, "nobody@contoso.example")).access_token);
    const refused = await other.json<{ error: { code: string } }>("GET", "/secrets/greeting");
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("Forbidden");
  });

  it("reaches the admin API only as a tenant admin (a refresh cannot widen it)", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "boss@contoso.example", { tenantAdmin: true });
    await createUser(tenantId, "staff@contoso.example");
    const adminScope = `${ISSUER_ORIGIN}/admin/.default openid offline_access`;

    const boss = await signedIn(tenantId, "boss@contoso.example", adminScope);
    expect(jwtParts(boss.access_token).payload).toMatchObject({ aud: `${ISSUER_ORIGIN}/admin`, roles: ["TenantAdmin"], idtyp: "user" });
    const users = await admin("GET", `/tenants/${tenantId}/users`, undefined, boss.access_token);
    expect(users.status).toBe(200);
    expect(((await users.json()) as { value: unknown[] }).value).toHaveLength(2);

    const { verifier, challenge } = await pkcePair();
    const code = await signInForCode(tenantId, "staff@contoso.example", { code_challenge: challenge, code_challenge_method: "S256", scope: adminScope });
    const staff = await tokenRequest(tenantId, { grant_type: "authorization_code", code, redirect_uri: LOOPBACK, code_verifier: verifier });
    expect(staff.status).toBe(400);
    expect(((await staff.json()) as TokenBody).error).toBe("invalid_scope");

    const vaultToken = await signedIn(tenantId, "staff@contoso.example");
    const widened = await refresh(tenantId, vaultToken.refresh_token ?? "", adminScope);
    expect(((await widened.json()) as TokenBody).error).toBe("invalid_scope");
  });

  it("ends a tenant admin's admin API access the moment the user is disabled, though the token has not expired", async () => {
    const tenantId = await createTenant();
    const boss = await createUser(tenantId, "boss@contoso.example", { tenantAdmin: true });
    const { access_token: token } = await signedIn(tenantId, "boss@contoso.example", `${ISSUER_ORIGIN}/admin/.default`);
    expect((await admin("GET", `/tenants/${tenantId}/users`, undefined, token)).status).toBe(200);
    expect((await admin("PATCH", `/tenants/${tenantId}/users/${boss.id}`, { enabled: false })).status).toBe(200);
    expect((await admin("GET", `/tenants/${tenantId}/users`, undefined, token)).status).toBe(401);
    expect((await admin("PATCH", `/tenants/${tenantId}/users/${boss.id}`, { enabled: true })).status).toBe(200);
    expect((await admin("GET", `/tenants/${tenantId}/users`, undefined, token)).status).toBe(200);
  });

  it("records sign-ins, successful and refused, in the tenant's audit log without the password", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    await signedIn(tenantId, "alice@contoso.example");
    const { challenge } = await pkcePair();
    await expect(signInForCode(tenantId, "alice@contoso.example", { code_challenge: challenge, code_challenge_method: "S256" }, "wrong-password-123")).rejects.toThrow();
    const log = await admin("GET", `/tenants/${tenantId}/auditLog`);
    const text = await log.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain("wrong-password-123");
    const records = (JSON.parse(text) as { value: { operationName: string; resultType?: string; resultSignature?: string; identity: unknown }[] }).value;
    const signIns = records.filter((r) => r.operationName === "SignIn");
    expect(signIns).toHaveLength(2);
    expect(JSON.stringify(signIns)).toContain(user.id);
    expect(JSON.stringify(signIns)).toContain("InvalidCredentials");
  });
});
