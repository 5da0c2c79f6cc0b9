import { SELF, env, runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, jwtVerify, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../../core/domain/clock.ts";
import {
  ISSUER_ORIGIN,
  VAULT_RESOURCE,
  admin,
  assignRole,
  createPrincipal,
  createTenant,
  createVault,
  vaultClient,
  uniqueVaultName,
} from "../support/fixture.ts";
import { fromAddress, fromLoopback } from "../support/caller-address.ts";
import { postForm } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const API = "api-version=2019-08-01";
const msiUrl = (resource = VAULT_RESOURCE) => `${ISSUER_ORIGIN}/msi/token?${API}&resource=${encodeURIComponent(resource)}`;
const imdsUrl = (resource = VAULT_RESOURCE, trailingSlash = true) =>
  `${ISSUER_ORIGIN}/metadata/identity/oauth2/token${trailingSlash ? "/" : ""}?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`;

interface MsiBody {
  access_token?: string;
  expires_on?: unknown;
  resource?: string;
  token_type?: string;
  client_id?: string;
  error?: string;
}

async function verify(tenantId: string, token: string) {
  const response = await SELF.fetch(`${ISSUER_ORIGIN}/${tenantId}/discovery/v2.0/keys`);
  const jwks = createLocalJWKSet((await response.json()) as { keys: JWK[] });
  return (await jwtVerify(token, jwks, { algorithms: ["ES256"], issuer: `${ISSUER_ORIGIN}/${tenantId}/v2.0`, audience: VAULT_RESOURCE }))
    .payload;
}

async function expectNoToken(response: Response, label: string): Promise<void> {
  const text = await response.text();
  expect(response.status, `${label}: ${text}`).toBe(400);
  expect(text, label).not.toContain("access_token");
  expect(text, label).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
}

async function setLocalDefault(tenantId: string, principalId: string): Promise<Response> {
  return admin("PUT", "/local-default-identity", { tenantId, principalId });
}

describe("App Service managed identity (GET /msi/token + X-IDENTITY-HEADER)", () => {
  it("returns the token shape ManagedIdentityCredential parses", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect(mi.identityHeader).toMatch(/^mi1\./);
    const before = Math.floor(Date.now() / 1000);
    const response = await SELF.fetch(msiUrl(), { headers: { "X-IDENTITY-HEADER": mi.identityHeader as string } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as MsiBody;
    expect(body.token_type).toBe("Bearer");
    expect(body.resource).toBe(VAULT_RESOURCE);
    expect(body.client_id).toBe(mi.appId);
    expect(typeof body.expires_on).toBe("string");
    expect(body.expires_on).toMatch(/^\d+$/);
    const expiresOn = Number(body.expires_on);
    expect(expiresOn).toBeGreaterThanOrEqual(before + 3600 - 5);
    expect(expiresOn).toBeLessThanOrEqual(before + 3600 + 120);

    const payload = await verify(tenantId, body.access_token as string);
    expect(payload.oid).toBe(mi.id);
    expect(payload.appid).toBe(mi.appId);
    expect(payload.tid).toBe(tenantId);
    expect(payload.exp).toBe(expiresOn);
  });

  it("refuses a missing, garbled or tampered header with 400 and no token", async () => {
    const tenantId = await createTenant();
    const otherTenant = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const other = await createPrincipal(tenantId, "managedIdentity");
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const header = mi.identityHeader as string;
    const [prefix, tid, pid, secret] = header.split(".") as [string, string, string, string];
    const mid = Math.floor(secret.length / 2);
    const tamperedSecret = `${secret.slice(0, mid)}${secret[mid] === "A" ? "B" : "A"}${secret.slice(mid + 1)}`;

    const cases: [string, Record<string, string>][] = [
      ["no header", {}],
      ["empty header", { "X-IDENTITY-HEADER": "" }],
      ["garbled", { "X-IDENTITY-HEADER": "not-an-identity-header" }],
      ["truncated", { "X-IDENTITY-HEADER": header.slice(0, -10) }],
      ["tampered secret", { "X-IDENTITY-HEADER": `${prefix}.${tid}.${pid}.${tamperedSecret}` }],
      ["another identity's id with this secret", { "X-IDENTITY-HEADER": `${prefix}.${tid}.${other.id}.${secret}` }],
      ["another tenant with this identity", { "X-IDENTITY-HEADER": `${prefix}.${otherTenant}.${pid}.${secret}` }],
      ["service principal's client secret", { "X-IDENTITY-HEADER": `${prefix}.${tid}.${sp.id}.${sp.clientSecret as string}` }],
      ["a bearer token instead", { "X-IDENTITY-HEADER": `Bearer ${secret}` }],
    ];
    for (const [label, headers] of cases) {
      await expectNoToken(await SELF.fetch(msiUrl(), { headers }), label);
    }
    // The untouched header still works: the refusals were about the header.
    expect((await SELF.fetch(msiUrl(), { headers: { "X-IDENTITY-HEADER": header } })).status).toBe(200);
  });

  it("refuses a token for a missing or non-https resource", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const headers = { "X-IDENTITY-HEADER": mi.identityHeader as string };
    await expectNoToken(await SELF.fetch(`${ISSUER_ORIGIN}/msi/token?${API}`, { headers }), "no resource");
    await expectNoToken(await SELF.fetch(msiUrl("http://vault.localhost:8443"), { headers }), "http resource");
  });

  it("stops issuing once the identity is deleted", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${mi.id}`)).status).toBe(204);
    await expectNoToken(await SELF.fetch(msiUrl(), { headers: { "X-IDENTITY-HEADER": mi.identityHeader as string } }), "deleted");
  });
});

describe("IMDS (GET /metadata/identity/oauth2/token + Metadata: true)", () => {
  it("issues nothing before the operator designates a local default identity", async () => {
    const tenantId = await createTenant();
    await createPrincipal(tenantId, "managedIdentity");
    await expectNoToken(await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "true" }) }), "no default identity");
  });

  it("issues tokens for the local default identity, only with the Metadata header", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const set = await setLocalDefault(tenantId, mi.id);
    expect(set.status).toBe(200);
    expect(await set.json()).toStrictEqual({ tenantId, principalId: mi.id });

    for (const trailingSlash of [true, false]) {
      const response = await SELF.fetch(imdsUrl(VAULT_RESOURCE, trailingSlash), { headers: fromLoopback({ Metadata: "true" }) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as MsiBody;
      expect(body).toMatchObject({ token_type: "Bearer", resource: VAULT_RESOURCE, client_id: mi.appId });
      expect(body.expires_on).toMatch(/^\d+$/);
      const payload = await verify(tenantId, body.access_token as string);
      expect(payload.oid).toBe(mi.id);
    }

    await expectNoToken(await SELF.fetch(imdsUrl(), { headers: fromLoopback() }), "no Metadata header");
    await expectNoToken(await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "false" }) }), "Metadata: false");
    await expectNoToken(await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "" }) }), "Metadata empty");
  });

  it("issues a token the data plane accepts", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("imds");
    await createVault(tenantId, vault);
    const mi = await createPrincipal(tenantId, "managedIdentity");
    await assignRole(tenantId, vault, mi.id, "Key Vault Secrets Officer");
    expect((await setLocalDefault(tenantId, mi.id)).status).toBe(200);
    const response = await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "true" }) });
    const token = ((await response.json()) as MsiBody).access_token as string;
    expect((await vaultClient(vault, token).json("PUT", "/secrets/from-imds", { value: "x" })).status).toBe(200);
  });

  it("only a managed identity can be the local default, and only the operator sets it", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect((await setLocalDefault(tenantId, sp.id)).status).toBe(404);
    expect((await setLocalDefault(tenantId, crypto.randomUUID())).status).toBe(404);
    expect((await setLocalDefault(crypto.randomUUID(), mi.id)).status).toBe(404);
    expect((await admin("PUT", "/local-default-identity", { tenantId, principalId: mi.id }, "wrong-operator-key-0123456789")).status).toBe(401);
    await expectNoToken(await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "true" }) }), "nothing was set");
  });

  it("stops issuing when the local default identity is deleted", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect((await setLocalDefault(tenantId, mi.id)).status).toBe(200);
    expect((await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "true" }) })).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${mi.id}`)).status).toBe(204);
    await expectNoToken(await SELF.fetch(imdsUrl(), { headers: fromLoopback({ Metadata: "true" }) }), "deleted identity");
  });

  it("is configured in this runtime (LOCAL_IMDS)", () => {
    // The tests above depend on it; if this changes they would pass vacuously for the wrong reason.
    expect(env.LOCAL_IMDS).toBe("true");
  });
});

describe("Cloud Shell MSI (POST /msi/token, form resource + Metadata: true)", () => {
  const cloudShell = (headers: Record<string, string>, resource = VAULT_RESOURCE) =>
    postForm(`${ISSUER_ORIGIN}/msi/token`, { resource }, fromLoopback(headers));

  it("issues nothing before a local default identity exists", async () => {
    await expectNoToken(await cloudShell({ Metadata: "true" }), "no default identity");
  });

  it("issues a token for the local default identity only with the Metadata header", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect((await setLocalDefault(tenantId, mi.id)).status).toBe(200);

    const response = await cloudShell({ Metadata: "true" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as MsiBody;
    expect(body).toMatchObject({ token_type: "Bearer", resource: VAULT_RESOURCE, client_id: mi.appId });
    expect(body.expires_on).toMatch(/^\d+$/);
    const payload = await verify(tenantId, body.access_token as string);
    // az needs a tid claim (docs/client-contract.md §3).
    expect(payload.tid).toBe(tenantId);
    expect(payload.oid).toBe(mi.id);

    await expectNoToken(await cloudShell({}), "no Metadata header");
  });
});

describe("credential-less endpoints answer only callers on the loopback (CF-Connecting-IP)", () => {
  // What they answer with LOCAL_IMDS off: a remote caller must not learn whether they are on.
  const REFUSAL = { error: "invalid_request", error_description: "Required metadata header not specified or identity not available." };
  const imds = (headers: Record<string, string>) => SELF.fetch(imdsUrl(), { headers: { Metadata: "true", ...headers } });
  const cloudShell = (headers: Record<string, string>) => postForm(`${ISSUER_ORIGIN}/msi/token`, { resource: VAULT_RESOURCE }, { Metadata: "true", ...headers });

  async function expectRefusal(response: Response, label: string): Promise<void> {
    const text = await response.text();
    expect(response.status, `${label}: ${text}`).toBe(400);
    expect(JSON.parse(text), label).toStrictEqual(REFUSAL);
  }

  it("refuses a non-loopback, spoofed or unknown caller on IMDS and Cloud Shell alike", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect((await setLocalDefault(tenantId, mi.id)).status).toBe(200);

    const callers: [string, Record<string, string>][] = [
      ["no CF-Connecting-IP", {}],
      ["empty CF-Connecting-IP", fromAddress("")],
      ["LAN IPv4", fromAddress("192.168.1.20")],
      ["private IPv4", fromAddress("10.0.0.5")],
      ["IPv4-mapped private", fromAddress("::ffff:10.0.0.5")],
      ["public IPv6", fromAddress("2001:db8::5")],
      ["a list starting with loopback", fromAddress("127.0.0.1, 10.0.0.5")],
      ["a list ending with loopback", fromAddress("10.0.0.5, 127.0.0.1")],
      ["loopback-looking prefix", fromAddress("127.0.0.1.evil.example")],
      ["out-of-range octet", fromAddress("127.0.0.256")],
      ["hostname", fromAddress("localhost")],
      ["X-Forwarded-For claims loopback", { ...fromAddress("10.0.0.5"), "X-Forwarded-For": "127.0.0.1" }],
    ];
    for (const [label, headers] of callers) {
      await expectRefusal(await imds(headers), `IMDS, ${label}`);
      await expectRefusal(await cloudShell(headers), `Cloud Shell, ${label}`);
    }
  });

  it("answers loopback callers over IPv4, IPv6 and IPv4-mapped IPv6", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    expect((await setLocalDefault(tenantId, mi.id)).status).toBe(200);
    for (const address of ["127.0.0.1", "127.10.20.30", "::1", "::ffff:127.0.0.1"]) {
      for (const [label, response] of [["IMDS", await imds(fromAddress(address))], ["Cloud Shell", await cloudShell(fromAddress(address))]] as const) {
        const text = await response.text();
        expect(response.status, `${label} from ${address}: ${text}`).toBe(200);
        expect((JSON.parse(text) as MsiBody).client_id, `${label} from ${address}`).toBe(mi.appId);
      }
    }
  });

  it("leaves the App Service flow, which carries a credential, open to any caller", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const response = await SELF.fetch(msiUrl(), { headers: fromAddress("192.168.1.20", { "X-IDENTITY-HEADER": mi.identityHeader as string }) });
    expect(response.status).toBe(200);
  });
});

describe("token signing uses the tenant's clock", () => {
  it("stamps iat/exp from the tenant object's clock (sanity for the refusal tests)", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const stub = env.TENANT.get(env.TENANT.idFromName(tenantId));
    const at = Date.UTC(2031, 5, 1);
    await runInDurableObject(stub, (instance) => {
      instance.clock = new ManualClock(at);
    });
    try {
      const response = await SELF.fetch(msiUrl(), { headers: { "X-IDENTITY-HEADER": mi.identityHeader as string } });
      expect(((await response.json()) as MsiBody).expires_on).toBe(String(at / 1000 + 3600));
    } finally {
      await runInDurableObject(stub, (instance) => {
        instance.clock = systemClock;
      });
    }
  });
});
