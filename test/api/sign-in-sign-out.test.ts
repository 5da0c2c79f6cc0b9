import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AZURE_CLI_CLIENT_ID, KV_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { ISSUER_ORIGIN, createTenant } from "../support/fixture.ts";
import { alterSignature, postForm } from "../support/identity.ts";
import { LOOPBACK, createUser, pkcePair, signInForCode, tokenRequest, type TokenBody } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

async function session(tenantId: string, clientId = KV_CLI_CLIENT_ID): Promise<TokenBody> {
  const { verifier, challenge } = await pkcePair();
  const code = await signInForCode(tenantId, "alice@contoso.example", { client_id: clientId, code_challenge: challenge, code_challenge_method: "S256" });
  return (await (await tokenRequest(tenantId, { client_id: clientId, grant_type: "authorization_code", code, redirect_uri: LOOPBACK, code_verifier: verifier })).json()) as TokenBody;
}

const refreshStatus = async (tenantId: string, body: TokenBody, clientId = KV_CLI_CLIENT_ID): Promise<number> =>
  (await tokenRequest(tenantId, { client_id: clientId, grant_type: "refresh_token", refresh_token: body.refresh_token ?? "" })).status;

const logoutUrl = (tenantId: string, params: Record<string, string>) => `${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/logout?${new URLSearchParams(params).toString()}`;

describe("sign-out (GET|POST /{tenant}/oauth2/v2.0/logout)", () => {
  it("is published in discovery", async () => {
    const tenantId = await createTenant();
    const discovery = (await (await SELF.fetch(`${ISSUER_ORIGIN}/${tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.end_session_endpoint).toBe(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/logout`);
  });

  it("with a refresh token ends that session only", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const [ended, other] = [await session(tenantId), await session(tenantId)];
    const response = await postForm(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/logout`, { client_id: KV_CLI_CLIENT_ID, refresh_token: ended.refresh_token ?? "" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You have signed out");
    expect(await refreshStatus(tenantId, ended)).toBe(400);
    expect(await refreshStatus(tenantId, other)).toBe(200);
  });

  it("with an ID token hint ends the person's sessions of that client and returns to a registered URI with the state", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const [kv1, kv2, cli] = [await session(tenantId), await session(tenantId), await session(tenantId, AZURE_CLI_CLIENT_ID)];
    const response = await SELF.fetch(logoutUrl(tenantId, { id_token_hint: kv1.id_token ?? "", post_logout_redirect_uri: "http://localhost:5000/bye", state: "s-9" }), { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("Location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("http://localhost:5000/bye");
    expect(location.searchParams.get("state")).toBe("s-9");
    expect(await refreshStatus(tenantId, kv1)).toBe(400);
    expect(await refreshStatus(tenantId, kv2)).toBe(400);
    expect(await refreshStatus(tenantId, cli, AZURE_CLI_CLIENT_ID)).toBe(200);
  });

  it("never redirects to an unregistered URI, and a forged hint ends nothing", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const kv = await session(tenantId);
    const forged = await SELF.fetch(logoutUrl(tenantId, { id_token_hint: alterSignature(kv.id_token ?? ""), post_logout_redirect_uri: "https://evil.example/" }), { redirect: "manual" });
    expect(forged.status).toBe(200);
    expect(forged.headers.get("Location")).toBeNull();
    expect(await refreshStatus(tenantId, kv)).toBe(200);
    expect((await SELF.fetch(logoutUrl(crypto.randomUUID(), {}))).status).toBe(400);
  });
});
