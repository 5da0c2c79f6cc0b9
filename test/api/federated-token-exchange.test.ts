/**
 * Workload identity federation at the token endpoint (issue 17; docs/access-control.md "Workload identity
 * federation"): client credentials with `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
 * and an external OIDC token, verified against its allow-listed issuer's keys and matched to one of the client's
 * federated credentials, once. Every refusal is the same 401 invalid_client. The Worker's fetch handler is called
 * with a changed env (as key-release-remote-authority.test.ts does): the pool has one set of bindings.
 */
import { createExecutionContext, env, fetchMock, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { LOCAL_OIDC_PURPOSE } from "../../worker/auth/client-assertion.ts";
import { RootKey, rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { derivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { localIssuerKey } from "../../core/crypto/release/local-authority-key.ts";
import { ManualClock } from "../../core/domain/clock.ts";
import { ISSUER_ORIGIN, admin, createPrincipal, setupVault, uniqueVaultName, vaultClient, type CreatedIdentity } from "../support/fixture.ts";
import { fromAddress, fromLoopback } from "../support/caller-address.ts";
import { base64UrlJson, jwtParts, alterSignature } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const LOCAL_ISSUER = `${ISSUER_ORIGIN}/local-oidc`;
const REMOTE = "https://issuer.example.net";
const TRUSTED: Partial<Env> = { FEDERATED_TOKEN_ISSUERS: `${LOCAL_ISSUER} ${REMOTE}` };
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SUBJECT = "system:serviceaccount:payments:api";
const AUDIENCE = "api://AzureADTokenExchange";
const SCOPE = "https://vault.localhost:8443/.default";

async function call(overrides: Partial<Env>, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function exchange(tenantId: string, clientId: string, assertion: string, overrides: Partial<Env> = TRUSTED, extra: Record<string, string> = {}) {
  const fields = { grant_type: "client_credentials", client_id: clientId, scope: SCOPE, client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra };
  const response = await call(overrides, new Request(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const now = () => Math.floor(Date.now() / 1000);
const localKey = async () => localIssuerKey(await rootKeyFromEnv(env.ROOT_KEY), LOCAL_OIDC_PURPOSE);

/** A token as the local issuer signs them (or as `claims` and `header` change it). */
async function mint(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const { key, jwk } = await localKey();
  const iat = now();
  return compactJws({ kid: jwk.kid, typ: "JWT", ...header }, { iss: LOCAL_ISSUER, sub: SUBJECT, aud: [AUDIENCE], iat, nbf: iat, exp: iat + 600, jti: crypto.randomUUID(), ...claims }, key);
}

async function federatedClient(tenantId: string, issuer = LOCAL_ISSUER, subject = SUBJECT, audiences = [AUDIENCE]): Promise<CreatedIdentity> {
  const sp = await createPrincipal(tenantId, "servicePrincipal");
  const put = await admin("PUT", `/tenants/${tenantId}/principals/${sp.id}/federatedIdentityCredentials/workload`, { issuer, subject, audiences });
  expect(put.status).toBe(201);
  return sp;
}

/** The one refusal: Entra's invalid_client with AADSTS700027, the same whichever check failed. */
function expectRefused(answer: { status: number; body: Record<string, unknown> }): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(401);
  expect(answer.body.error).toBe("invalid_client");
  expect(answer.body.error_codes).toEqual([700027]);
  expect(String(answer.body.error_description)).toMatch(/^AADSTS700027: The client assertion could not be validated for this client\. Trace ID: \S+ Timestamp: /);
  expect(answer.body.access_token).toBeUndefined();
}

describe("workload identity federation: the token endpoint", () => {
  it("exchanges the local issuer's token for an access token that reads a secret, once", async () => {
    const vault = uniqueVaultName("wif");
    const { tenantId, kv } = await setupVault(vault);
    expect((await kv.json("PUT", "/secrets/db", { value: "s3cret" })).status).toBe(200);
    const sp = await federatedClient(tenantId);
    const grant = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName: "Key Vault Secrets User", principalId: sp.id });
    expect(grant.status).toBe(201);

    // The issuer's own token route, as a workload would get its token.
    const issued = await call(TRUSTED, new Request(`${LOCAL_ISSUER}/token`, { method: "POST", headers: fromLoopback({ "Content-Type": "application/json" }), body: JSON.stringify({ subject: SUBJECT }) }));
    expect(issued.status).toBe(200);
    const { token: assertion } = (await issued.json()) as { token: string };
    const answer = await exchange(tenantId, sp.appId, assertion);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const claims = jwtParts(answer.body.access_token as string).payload;
    expect(claims).toMatchObject({ oid: sp.id, appid: sp.appId, tid: tenantId, aud: "https://vault.localhost:8443" });
    const read = await vaultClient(vault, answer.body.access_token as string).json<{ value: string }>("GET", "/secrets/db");
    expect(read.status).toBe(200);
    expect(read.body.value).toBe("s3cret");

    // The replay window: the same assertion is refused while it lives.
    expectRefused(await exchange(tenantId, sp.appId, assertion));
  });

  it("refuses every bad assertion with the same invalid_client, and issues nothing", async () => {
    const vault = uniqueVaultName("wifbad");
    const { tenantId } = await setupVault(vault);
    const sp = await federatedClient(tenantId);
    const stranger = await createPrincipal(tenantId, "servicePrincipal");
    const { key: otherKey } = { key: await derivedP256Key(await RootKey.fromSecret(btoa("o".repeat(32))), "other-issuer") };
    const { jwk } = await localKey();
    const t = now();
    const good = await mint();
    const [h, p] = good.split(".");
    const cases: Record<string, () => Promise<{ status: number; body: Record<string, unknown> }>> = {
      "issuer not on the allow-list": async () => exchange(tenantId, sp.appId, await mint(), {}),
      "local issuer listed but not served": async () => exchange(tenantId, sp.appId, await mint(), { ...TRUSTED, LOCAL_IMDS: "false" }),
      "another subject": async () => exchange(tenantId, sp.appId, await mint({ sub: "system:serviceaccount:payments:other" })),
      "another audience": async () => exchange(tenantId, sp.appId, await mint({ aud: ["api://somewhere-else"] })),
      "expired beyond the skew": async () => exchange(tenantId, sp.appId, await mint({ iat: t - 900, nbf: t - 900, exp: t - 120 })),
      "not yet valid beyond the skew": async () => exchange(tenantId, sp.appId, await mint({ nbf: t + 300 })),
      "no exp": async () => exchange(tenantId, sp.appId, await mint({ exp: undefined })),
      "no sub": async () => exchange(tenantId, sp.appId, await mint({ sub: undefined })),
      "signature altered": async () => exchange(tenantId, sp.appId, alterSignature(await mint())),
      "signed by another key under the issuer's kid": async () =>
        exchange(tenantId, sp.appId, compactJws({ kid: jwk.kid, typ: "JWT" }, { iss: LOCAL_ISSUER, sub: SUBJECT, aud: AUDIENCE, exp: t + 600, jti: "x" }, otherKey)),
      "alg none": async () => exchange(tenantId, sp.appId, `${base64UrlJson({ alg: "none", typ: "JWT" })}.${p}.`),
      "alg HS256": async () => exchange(tenantId, sp.appId, `${base64UrlJson({ alg: "HS256", typ: "JWT" })}.${p}.${good.split(".")[2]}`),
      "issuer spelt with a trailing slash": async () => exchange(tenantId, sp.appId, await mint({ iss: `${LOCAL_ISSUER}/` })),
      "not a JWT": async () => exchange(tenantId, sp.appId, "not.a.jwt"),
      "header only": async () => exchange(tenantId, sp.appId, `${h}`),
      "a client without that credential": async () => exchange(tenantId, stranger.appId, await mint()),
      "an unknown client": async () => exchange(tenantId, crypto.randomUUID(), await mint()),
      "the client named by object id": async () => exchange(tenantId, sp.id, await mint()),
      "another tenant": async () => exchange(crypto.randomUUID(), sp.appId, await mint()),
    };
    for (const [name, attempt] of Object.entries(cases)) {
      const answer = await attempt();
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
      expectRefused(answer);
    }
    // Within the skew (60 s): accepted.
    expect((await exchange(tenantId, sp.appId, await mint({ iat: t - 700, nbf: t - 700, exp: t - 30 }))).status).toBe(200);
    // A deleted credential trusts nothing any more.
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${sp.id}/federatedIdentityCredentials/workload`)).status).toBe(204);
    expectRefused(await exchange(tenantId, sp.appId, await mint()));
  });

  it("answers malformed requests with invalid_request before looking at the assertion", async () => {
    const vault = uniqueVaultName("wifreq");
    const { tenantId } = await setupVault(vault);
    const sp = await federatedClient(tenantId);
    const assertion = await mint();
    const malformed: Record<string, string>[] = [{ client_secret: "also-a-secret" }, { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer" }, { client_assertion: "" }];
    for (const extra of malformed) {
      const answer = await exchange(tenantId, sp.appId, assertion, TRUSTED, extra);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe("invalid_request");
    }
    // Nothing above used the assertion up.
    expect((await exchange(tenantId, sp.appId, assertion)).status).toBe(200);
  });

  it("keeps a used assertion only for its lifetime plus the skew, then prunes it", async () => {
    const vault = uniqueVaultName("wifprune");
    const { tenantId } = await setupVault(vault);
    const sp = await federatedClient(tenantId);
    expect((await exchange(tenantId, sp.appId, await mint({ exp: now() + 120 }))).status).toBe(200);
    const tenant = env.TENANT.get(env.TENANT.idFromName(tenantId));
    const kept = () => runInDurableObject(tenant, (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM used_assertions").one().n);
    expect(await kept()).toBe(1);
    await runInDurableObject(tenant, (instance) => {
      instance.clock = new ManualClock(Date.now() + 200_000);
    });
    expect((await exchange(tenantId, sp.appId, await mint({ exp: now() + 600 }))).status).toBe(200);
    expect(await kept()).toBe(1);
  });
});

describe("the local OIDC issuer", () => {
  const post = (body: unknown, overrides: Partial<Env> = TRUSTED, from: Record<string, string> = fromLoopback()) =>
    call(overrides, new Request(`${LOCAL_ISSUER}/token`, { method: "POST", headers: { ...from, "Content-Type": "application/json" }, body: JSON.stringify(body) }));

  it("publishes discovery and keys, refuses bad requests, and is not served outside local development", async () => {
    const discovery = await call(TRUSTED, new Request(`${LOCAL_ISSUER}/.well-known/openid-configuration`));
    expect(discovery.status).toBe(200);
    expect(await discovery.json()).toMatchObject({ issuer: LOCAL_ISSUER, jwks_uri: `${LOCAL_ISSUER}/keys` });
    const keys = (await (await call(TRUSTED, new Request(`${LOCAL_ISSUER}/keys`))).json()) as { keys: { kid: string }[] };
    expect(keys.keys.map((k) => k.kid)).toEqual([(await localKey()).jwk.kid]);

    const issued = (await (await post({ subject: "s", audience: "api://x", lifetimeSeconds: 60 })).json()) as { token: string };
    const claims = jwtParts(issued.token).payload;
    expect(claims).toMatchObject({ iss: LOCAL_ISSUER, sub: "s", aud: ["api://x"] });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);

    for (const body of [{}, { subject: "" }, { subject: 1 }, { subject: "s", audience: "" }, { subject: "s", lifetimeSeconds: 0 }, { subject: "s", lifetimeSeconds: 3601 }, { subject: "s", lifetimeSeconds: 1.5 }]) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("BadParameter");
    }
    // Tokens for any subject go only to a caller on this machine, as the credential-less IMDS's do.
    for (const from of [fromAddress("203.0.113.7"), {}, fromAddress("127.0.0.1, 203.0.113.7")]) expect((await post({ subject: "s" }, TRUSTED, from)).status).toBe(404);
    for (const path of ["/.well-known/openid-configuration", "/keys", "/token"]) {
      const answer = await call({ ...TRUSTED, LOCAL_IMDS: "false" }, new Request(`${LOCAL_ISSUER}${path}`, path === "/token" ? { method: "POST", body: "{}" } : {}));
      expect(answer.status).toBe(404);
    }
  });
});

describe("workload identity federation: an issuer outside this deployment", () => {
  const fetched: string[] = [];
  let remoteKey: Awaited<ReturnType<typeof derivedP256Key>>;

  beforeAll(async () => {
    remoteKey = await derivedP256Key(await RootKey.fromSecret(btoa("r".repeat(32))), "remote-issuer");
    fetchMock.activate();
    fetchMock.disableNetConnect();
    const remote = fetchMock.get(REMOTE);
    remote
      .intercept({ path: "/.well-known/openid-configuration" })
      .reply(() => {
        fetched.push("discovery");
        return { statusCode: 200, data: JSON.stringify({ issuer: REMOTE, jwks_uri: `${REMOTE}/.well-known/jwks` }) };
      })
      .persist();
    remote
      .intercept({ path: "/tenant-b/.well-known/openid-configuration" })
      .reply(() => {
        fetched.push("discovery-b");
        return { statusCode: 200, data: JSON.stringify({ issuer: `${REMOTE}/tenant-b`, jwks_uri: "https://attacker.example.org/keys" }) };
      })
      .persist();
    remote
      .intercept({ path: "/.well-known/jwks" })
      .reply(() => {
        fetched.push("jwks");
        return { statusCode: 200, data: JSON.stringify({ keys: [{ ...remoteKey.publicJwk, kid: "gh-1", use: "sig", alg: "ES256" }] }) };
      })
      .persist();
    fetchMock
      .get("https://attacker.example.org")
      .intercept({ path: /.*/ })
      .reply(() => {
        fetched.push("attacker");
        return { statusCode: 200, data: JSON.stringify({ keys: [] }) };
      })
      .persist();
  });

  afterAll(() => {
    fetchMock.deactivate();
  });

  const remoteToken = (claims: Record<string, unknown> = {}) =>
    compactJws({ kid: "gh-1", typ: "JWT" }, { iss: REMOTE, sub: "repo:contoso/app:ref:refs/heads/main", aud: AUDIENCE, exp: now() + 300, jti: crypto.randomUUID(), ...claims }, remoteKey);

  it("is believed when listed, through its discovery document and key set, fetched once and kept", async () => {
    const vault = uniqueVaultName("wifremote");
    const { tenantId } = await setupVault(vault);
    const sp = await federatedClient(tenantId, REMOTE, "repo:contoso/app:ref:refs/heads/main");
    fetched.length = 0;
    expectRefused(await exchange(tenantId, sp.appId, remoteToken(), { FEDERATED_TOKEN_ISSUERS: LOCAL_ISSUER }));
    expect(fetched).toEqual([]);
    expect((await exchange(tenantId, sp.appId, remoteToken())).status).toBe(200);
    expect((await exchange(tenantId, sp.appId, remoteToken())).status).toBe(200);
    expect(fetched).toEqual(["discovery", "jwks"]);
  });

  it("refuses a discovery document pointing its key set elsewhere", async () => {
    const vault = uniqueVaultName("wifelse");
    const { tenantId } = await setupVault(vault);
    const issuer = `${REMOTE}/tenant-b`;
    const sp = await federatedClient(tenantId, issuer, "repo:contoso/app:ref:refs/heads/main");
    fetched.length = 0;
    const token = compactJws({ kid: "gh-1" }, { iss: issuer, sub: "repo:contoso/app:ref:refs/heads/main", aud: AUDIENCE, exp: now() + 300 }, remoteKey);
    expectRefused(await exchange(tenantId, sp.appId, token, { FEDERATED_TOKEN_ISSUERS: issuer }));
    expect(fetched).toEqual(["discovery-b"]);
  });
});
