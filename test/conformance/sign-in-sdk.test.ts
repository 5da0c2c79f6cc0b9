/**
 * People signing in through the official clients, unmodified (docs/sign-in.md): `DeviceCodeCredential`, whose prompt
 * callback completes the device login over HTTP as a person would in a browser, and `AuthorizationCodeCredential`
 * with a code from the sign-in page; each then reads and writes secrets with `SecretClient`, allowed by a role
 * assignment to the user, and refused 403 without one.
 */
import { randomUUID } from "node:crypto";
import { AuthorizationCodeCredential, DeviceCodeCredential, type TokenCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import { AZURE_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const PASSWORD = "a long enough passphrase";
const REDIRECT_URI = "http://localhost:47123/";
const authority = { authorityHost: facts.origin, disableInstanceDiscovery: true };

async function createUser(label: string): Promise<{ id: string; userPrincipalName: string }> {
  const userPrincipalName = `${uniqueName(label)}@contoso.example`;
  const response = await fetch(`${facts.origin}/admin/tenants/${facts.tenantId}/users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${facts.operatorKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ userPrincipalName, password: PASSWORD }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; userPrincipalName: string };
}

/** Opens a sign-in page and posts its form as a browser would: the CSRF cookie back, the hidden token, the fields. */
async function submitPage(url: string, fields: Record<string, string>): Promise<Response> {
  const page = await fetch(url);
  const cookie = /(__Host-sign-in-csrf=[^;]+)/.exec(page.headers.get("set-cookie") ?? "")?.[1] ?? "";
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ csrf_token: csrf, action: "sign-in", ...fields }).toString(),
  });
}

async function secretsAs(credential: TokenCredential, userId: string): Promise<void> {
  const client = new SecretClient(facts.vaultUrl, credential);
  const name = uniqueName("person");
  await expectRestError(client.getSecret(name), { statusCode: 403, code: "Forbidden" });
  await admin.assignRole(facts.tenantId, "dev", randomUUID(), "Key Vault Secrets Officer", userId);
  await client.setSecret(name, "set by a person");
  expect((await client.getSecret(name)).value).toBe("set by a person");
}

describe("people through @azure/identity", () => {
  it("DeviceCodeCredential: the prompt callback signs in on the verification page; SecretClient works with a role", async () => {
    const user = await createUser("device");
    let login: Promise<Response> | undefined;
    const credential = new DeviceCodeCredential({
      ...authority,
      tenantId: facts.tenantId,
      userPromptCallback: (info) => {
        expect(info.verificationUri).toBe(`${facts.origin}/devicelogin`);
        login = submitPage(info.verificationUri, { user_code: info.userCode, userPrincipalName: user.userPrincipalName, password: PASSWORD });
      },
    });
    await secretsAs(credential, user.id);
    expect((await login)?.status).toBe(200);
  });

  it("AuthorizationCodeCredential: a code from the sign-in page, redeemed by the SDK; SecretClient works with a role", async () => {
    const user = await createUser("browser");
    const query = new URLSearchParams({ client_id: AZURE_CLI_CLIENT_ID, response_type: "code", redirect_uri: REDIRECT_URI, scope: "https://vault.azure.net/.default offline_access openid profile", state: "s1" });
    const answer = await submitPage(`${facts.origin}/${facts.tenantId}/oauth2/v2.0/authorize?${query.toString()}`, { userPrincipalName: user.userPrincipalName, password: PASSWORD });
    expect(answer.status).toBe(302);
    const code = new URL(answer.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const credential = new AuthorizationCodeCredential(facts.tenantId, AZURE_CLI_CLIENT_ID, code, REDIRECT_URI, authority);
    await secretsAs(credential, user.id);
  });
});
