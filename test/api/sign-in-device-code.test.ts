import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import { DEVICE_CODE_LIFETIME_SECONDS, MAX_LIVE_DEVICE_CODES } from "../../core/domain/identity/device-code.ts";
import { AZURE_CLI_CLIENT_ID, PORTAL_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { ISSUER_ORIGIN, VAULT_RESOURCE, admin, createTenant } from "../support/fixture.ts";
import { jwtParts, postForm } from "../support/identity.ts";
import { PASSWORD, createUser, openSignInPage, tokenRequest, withTenantClock, type TokenBody } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

interface DeviceCodeBody {
  user_code: string;
  device_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
  message: string;
}

const SCOPE = `${VAULT_RESOURCE}/.default openid profile offline_access`;
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

async function startDevice(tenantId: string, clientId = AZURE_CLI_CLIENT_ID): Promise<DeviceCodeBody> {
  const response = await postForm(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/devicecode`, { client_id: clientId, scope: SCOPE });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceCodeBody;
}

const poll = (tenantId: string, deviceCode: string) => tokenRequest(tenantId, { client_id: AZURE_CLI_CLIENT_ID, grant_type: DEVICE_GRANT, device_code: deviceCode });

async function expectPollError(response: Response, error: string, aadsts: number): Promise<void> {
  const body = (await response.json()) as TokenBody;
  expect(response.status).toBe(400);
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([aadsts]);
}

/** The verification page, as a person uses it: open it, type the code and sign in (or decline). */
async function deviceLogin(fields: Record<string, string>): Promise<{ status: number; html: string }> {
  const page = await openSignInPage(`${ISSUER_ORIGIN}/devicelogin`);
  expect(page.html).toContain('<label for="user_code">');
  const response = await SELF.fetch(`${ISSUER_ORIGIN}/devicelogin`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: page.cookie },
    body: new URLSearchParams({ csrf_token: page.csrf, action: "sign-in", ...fields }).toString(),
  });
  return { status: response.status, html: await response.text() };
}

describe("device code (RFC 8628) as Entra serves it", () => {
  it("answers codes, a tenant-less verification URI and Entra's message", async () => {
    const tenantId = await createTenant();
    const body = await startDevice(tenantId);
    expect(body.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    expect(body.device_code.length).toBeGreaterThanOrEqual(43);
    expect(body).toMatchObject({ verification_uri: `${ISSUER_ORIGIN}/devicelogin`, expires_in: 900, interval: 5 });
    expect(body.message).toBe(`To sign in, use a web browser to open the page ${ISSUER_ORIGIN}/devicelogin and enter the code ${body.user_code} to authenticate.`);
  });

  it("answers authorization_pending, slow_down when polled too fast, then the tokens once the person signs in, once", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const clock = new ManualClock(Date.now());
    await withTenantClock(tenantId, clock, async () => {
      const device = await startDevice(tenantId);
      await expectPollError(await poll(tenantId, device.device_code), "authorization_pending", 70016);
      clock.advance(1000);
      await expectPollError(await poll(tenantId, device.device_code), "slow_down", 70016);
      clock.advance(5000);
      await expectPollError(await poll(tenantId, device.device_code), "authorization_pending", 70016);

      const wrong = await deviceLogin({ user_code: device.user_code, userPrincipalName: "alice@contoso.example", password: "not the password" });
      expect(wrong.html).toContain("AADSTS50126");
      clock.advance(5000);
      await expectPollError(await poll(tenantId, device.device_code), "authorization_pending", 70016);

      // Typed as people type: lower case, with a dash in the middle.
      const typed = `${device.user_code.slice(0, 4).toLowerCase()}-${device.user_code.slice(4)}`;
      const signedIn = await deviceLogin({ user_code: typed, userPrincipalName: "alice@contoso.example", password: PASSWORD });
      expect(signedIn.status).toBe(200);
      expect(signedIn.html).toContain("You have signed in");
      clock.advance(5000);
      const tokens = await poll(tenantId, device.device_code);
      const body = (await tokens.json()) as TokenBody;
      expect(tokens.status, JSON.stringify(body)).toBe(200);
      expect(jwtParts(body.access_token).payload).toMatchObject({ oid: user.id, idtyp: "user", appid: AZURE_CLI_CLIENT_ID, aud: VAULT_RESOURCE });
      expect(typeof body.refresh_token).toBe("string");
      expect(typeof body.id_token).toBe("string");
      clock.advance(5000);
      await expectPollError(await poll(tenantId, device.device_code), "invalid_grant", 70000);
      // The user code was spent with it.
      expect((await deviceLogin({ user_code: device.user_code, userPrincipalName: "alice@contoso.example", password: PASSWORD })).html).toContain("AADSTS70000");
    });
  });

  it("answers access_denied when the person declines, and expired_token after 15 minutes", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const clock = new ManualClock(Date.now());
    await withTenantClock(tenantId, clock, async () => {
      const declined = await startDevice(tenantId);
      expect((await deviceLogin({ user_code: declined.user_code, action: "cancel" })).html).toContain("You declined");
      await expectPollError(await poll(tenantId, declined.device_code), "access_denied", 65004);

      const late = await startDevice(tenantId);
      clock.advance(901_000);
      await expectPollError(await poll(tenantId, late.device_code), "expired_token", 70020);
      expect((await deviceLogin({ user_code: late.user_code, userPrincipalName: "alice@contoso.example", password: PASSWORD })).html).toContain("AADSTS70000");
    });
  });

  it("holds at most MAX_LIVE_DEVICE_CODES live codes per tenant: beyond them 429 with Retry-After, until some expire", async () => {
    const tenantId = await createTenant();
    const clock = new ManualClock(Date.now());
    await withTenantClock(tenantId, clock, async () => {
      await startDevice(tenantId);
      // The rest of the bound written straight into the tenant's table: a thousand requests would only be slower.
      await runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), (_instance, state) => {
        const expires = Math.floor(clock.now() / 1000) + DEVICE_CODE_LIFETIME_SECONDS;
        for (let i = 1; i < MAX_LIVE_DEVICE_CODES; i++) {
          state.storage.sql.exec("INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, expires) VALUES (?, ?, ?, ?, ?)", new TextEncoder().encode(`fill-${i}`), `FILL${i}`, AZURE_CLI_CLIENT_ID, SCOPE, expires);
        }
      });
      const refused = await postForm(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/devicecode`, { client_id: AZURE_CLI_CLIENT_ID, scope: SCOPE });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("Retry-After")).toBe("60");
      expect(await refused.json()).toMatchObject({ error: "temporarily_unavailable", error_codes: [90055] });
      const count = () => runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM device_codes").one().n);
      expect(await count()).toBe(MAX_LIVE_DEVICE_CODES);

      clock.advance((DEVICE_CODE_LIFETIME_SECONDS + 1) * 1000);
      await startDevice(tenantId);
      expect(await count()).toBe(1);
    });
  });

  it("refuses the web portal's client, an unknown one, a bad scope, an unknown code, and a device code of another client", async () => {
    const tenantId = await createTenant();
    for (const clientId of [PORTAL_CLIENT_ID, crypto.randomUUID()]) {
      const response = await postForm(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/devicecode`, { client_id: clientId, scope: SCOPE });
      expect(response.status).toBe(401);
      expect(((await response.json()) as TokenBody).error).toBe("invalid_client");
    }
    const badScope = await postForm(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/devicecode`, { client_id: AZURE_CLI_CLIENT_ID, scope: "http://plain.example/.default" });
    expect(((await badScope.json()) as TokenBody).error).toBe("invalid_scope");
    await expectPollError(await poll(tenantId, "no-such-device-code"), "invalid_grant", 70000);
    const device = await startDevice(tenantId);
    await expectPollError(await tokenRequest(tenantId, { grant_type: DEVICE_GRANT, device_code: device.device_code }), "invalid_grant", 70000);
    expect((await deviceLogin({ user_code: "BCDFGHJK", userPrincipalName: "a@b.example", password: PASSWORD })).html).toContain("AADSTS70000");
  });

  it("records the device sign-in in the tenant's audit log with the client that asked", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const device = await startDevice(tenantId);
    await deviceLogin({ user_code: device.user_code, userPrincipalName: "alice@contoso.example", password: PASSWORD });
    const records = ((await (await admin("GET", `/tenants/${tenantId}/auditLog`)).json()) as { value: { operationName: string }[] }).value;
    const signIns = JSON.stringify(records.filter((r) => r.operationName === "DeviceCodeSignIn"));
    expect(signIns).toContain(user.id);
    expect(signIns).toContain(AZURE_CLI_CLIENT_ID);
    expect(signIns).not.toContain(PASSWORD);
  });
});
