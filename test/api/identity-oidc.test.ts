import { SELF } from "cloudflare:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, VAULT_RESOURCE, assignRole, createPrincipal, createTenant, createVault, vaultClient, uniqueVaultName } from "../support/fixture.ts";
import { clientCredentials, clientCredentialsToken, postForm } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

async function discover(tenantId: string): Promise<Discovery> {
  const response = await SELF.fetch(`${ISSUER_ORIGIN}/${tenantId}/v2.0/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Discovery;
}

async function fetchJwks(jwksUri: string): Promise<{ keys: JWK[] }> {
  const response = await SELF.fetch(jwksUri);
  expect(response.status).toBe(200);
  return (await response.json()) as { keys: JWK[] };
}

describe("OIDC discovery and JWKS", () => {
  it("describes the tenant's authority like Entra ID v2.0", async () => {
    const tenantId = await createTenant();
    const discovery = await discover(tenantId);
    expect(discovery.issuer).toBe(`https://localhost:8443/${tenantId}/v2.0`);
    expect(discovery.token_endpoint).toBe(`https://localhost:8443/${tenantId}/oauth2/v2.0/token`);
    expect(discovery.jwks_uri).toBe(`https://localhost:8443/${tenantId}/discovery/v2.0/keys`);
    expect(discovery.authorization_endpoint).toBe(`https://localhost:8443/${tenantId}/oauth2/v2.0/authorize`);
  });

  it("publishes an ES256 P-256 public key with a kid and no private part", async () => {
    const tenantId = await createTenant();
    const { keys } = await fetchJwks((await discover(tenantId)).jwks_uri);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
      expect(typeof key.kid).toBe("string");
      expect(key.kid?.length).toBeGreaterThan(0);
      expect(typeof key.x).toBe("string");
      expect(typeof key.y).toBe("string");
      expect(key.d).toBeUndefined();
    }
  });

  it("gives each tenant its own signing key", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const keysA = (await fetchJwks((await discover(a)).jwks_uri)).keys.map((k) => k.kid);
    const keysB = (await fetchJwks((await discover(b)).jwks_uri)).keys.map((k) => k.kid);
    expect(keysA.some((kid) => keysB.includes(kid))).toBe(false);
  });

  it("does not describe a tenant that does not exist", async () => {
    const response = await SELF.fetch(`${ISSUER_ORIGIN}/${crypto.randomUUID()}/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_tenant");
  });
});

describe("client credentials grant", () => {
  it("issues an ES256 token that verifies independently against the published JWKS", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    expect(typeof sp.clientSecret).toBe("string");
    const discovery = await discover(tenantId);

    const response = await postForm(discovery.token_endpoint, {
      grant_type: "client_credentials",
      client_id: sp.appId,
      client_secret: sp.clientSecret as string,
      scope: `${VAULT_RESOURCE}/.default`,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600 });
    const token = body.access_token as string;

    const jwks = createLocalJWKSet(await fetchJwks(discovery.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      algorithms: ["ES256"],
      issuer: discovery.issuer,
      audience: VAULT_RESOURCE,
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(typeof protectedHeader.kid).toBe("string");
    expect(payload.iss).toBe(`https://localhost:8443/${tenantId}/v2.0`);
    expect(payload.aud).toBe(VAULT_RESOURCE);
    expect(payload.tid).toBe(tenantId);
    expect(payload.oid).toBe(sp.id);
    expect(payload.appid).toBe(sp.appId);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(120);
  });

  it("issues a token the data plane accepts for a role-holding service principal", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("oidc");
    await createVault(tenantId, vault);
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    await assignRole(tenantId, vault, sp.id, "Key Vault Secrets Officer");
    const token = await clientCredentialsToken(tenantId, sp.appId, sp.clientSecret as string);
    const kv = vaultClient(vault, token);
    expect((await kv.json("PUT", "/secrets/s1", { value: "v" })).status).toBe(200);
    expect((await kv.json("GET", "/secrets")).status).toBe(200);
  });

  it("answers every bad credential with the same 401 invalid_client", async () => {
    const tenantId = await createTenant();
    const otherTenant = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const miSecret = (mi.identityHeader as string).split(".")[3] as string;
    const secret = sp.clientSecret as string;

    const attempts: [string, Promise<Response>][] = [
      ["wrong secret", clientCredentials(tenantId, sp.appId, `${secret.slice(0, -2)}AA`)],
      ["empty secret", clientCredentials(tenantId, sp.appId, "")],
      ["unknown client id", clientCredentials(tenantId, crypto.randomUUID(), secret)],
      ["object id instead of client id", clientCredentials(tenantId, sp.id, secret)],
      ["managed identity's object id", clientCredentials(tenantId, mi.id, miSecret)],
      ["managed identity's app id", clientCredentials(tenantId, mi.appId, miSecret)],
      ["another existing tenant in the path", clientCredentials(otherTenant, sp.appId, secret)],
      ["an unknown tenant in the path", clientCredentials(crypto.randomUUID(), sp.appId, secret)],
      ["a non-GUID tenant in the path", clientCredentials("common", sp.appId, secret)],
    ];
    const bodies = new Map<string, string>();
    for (const [label, pending] of attempts) {
      const response = await pending;
      const text = await response.text();
      expect(response.status, `${label}: ${text}`).toBe(401);
      expect(text).not.toContain("access_token");
      bodies.set(label, text);
    }
    const first = bodies.get("wrong secret") as string;
    expect(JSON.parse(first)).toMatchObject({ error: "invalid_client" });
    for (const [label, text] of bodies) expect(text, label).toBe(first);

    // The same credentials are good in the right place: the refusals above were about the credentials.
    expect((await clientCredentials(tenantId, sp.appId, secret)).status).toBe(200);
  });

  // authorization_code and refresh_token are people's grants (test/api/sign-in-*.test.ts): an application is not a
  // public client, so it is refused as one (invalid_client), never given a token.
  it.each(["authorization_code", "refresh_token"])("refuses an application's grant_type %j with 401 invalid_client", async (grant) => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const response = await clientCredentials(tenantId, sp.appId, sp.clientSecret as string, `${VAULT_RESOURCE}/.default`, grant);
    expect(response.status).toBe(401);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.error).toBe("invalid_client");
    expect(body.access_token).toBeUndefined();
  });

  it.each(["password", "urn:ietf:params:oauth:grant-type:jwt-bearer", ""])("refuses grant_type %j with 400 unsupported_grant_type", async (grant) => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const response = await clientCredentials(tenantId, sp.appId, sp.clientSecret as string, `${VAULT_RESOURCE}/.default`, grant);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.error).toBe("unsupported_grant_type");
    expect(body.access_token).toBeUndefined();
  });

  it("refuses a scope that is not an https resource", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const response = await clientCredentials(tenantId, sp.appId, sp.clientSecret as string, "http://vault.localhost:8443/.default");
    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, unknown>).access_token).toBeUndefined();
  });

  it("signs with the kid it publishes", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const token = await clientCredentialsToken(tenantId, sp.appId, sp.clientSecret as string);
    const { keys } = await fetchJwks(`${ISSUER_ORIGIN}/${tenantId}/discovery/v2.0/keys`);
    expect(keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
  });
});
