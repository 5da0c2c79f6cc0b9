/**
 * The ID token of an external sign-in provider (docs/sign-in.md "External identity providers";
 * core/crypto/federation/verify-id-token.ts), checked at the callback before anyone is signed in: a remote provider
 * served by fetchMock answers its token endpoint with whatever ID token a test puts there. Every bad token is refused
 * with nothing issued; a good one signs the linked user in. The client authenticates as the provider was configured.
 */
import { fetchMock } from "cloudflare:test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { derivedP256Key, type DerivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { createTenant } from "../support/fixture.ts";
import { LOOPBACK, createUser } from "../support/sign-in.ts";
import { FOREIGN_KEYS_ISSUER, PATH_ISSUER, REMOTE_ISSUER, callback, linkIdentity, putProvider, startExternalSignIn } from "../support/external-sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const CLIENT_ID = "edge-vault-at-idp";
let providerKey: DerivedP256Key;
let otherKey: DerivedP256Key;
/** What the token endpoint answers next, from the nonce the provider received; and what it was sent. */
let idTokenFor: (nonce: string) => string;
let tokenRequests: { body: string; authorization: string | null }[] = [];
let lastNonce = "";

const now = () => Math.floor(Date.now() / 1000);
const claims = (nonce: string, extra: Record<string, unknown> = {}) => ({ iss: REMOTE_ISSUER, aud: CLIENT_ID, sub: "remote-alice", iat: now(), exp: now() + 300, nonce, ...extra });
const signed = (payload: unknown, key = providerKey, kid = "idp-1") => compactJws({ kid, typ: "JWT" }, payload, key);

beforeAll(async () => {
  providerKey = await derivedP256Key(await RootKey.fromSecret(btoa("i".repeat(32))), "remote-idp");
  otherKey = await derivedP256Key(await RootKey.fromSecret(btoa("o".repeat(32))), "remote-idp");
  fetchMock.activate();
  fetchMock.disableNetConnect();
  const idp = fetchMock.get(REMOTE_ISSUER);
  const discovery = { issuer: REMOTE_ISSUER, jwks_uri: `${REMOTE_ISSUER}/keys`, authorization_endpoint: `${REMOTE_ISSUER}/authorize`, token_endpoint: `${REMOTE_ISSUER}/token` };
  idp.intercept({ path: "/.well-known/openid-configuration" }).reply(200, JSON.stringify(discovery)).persist();
  const keySet = JSON.stringify({ keys: [{ ...providerKey.publicJwk, kid: "idp-1", use: "sig" }] });
  idp.intercept({ path: "/keys" }).reply(200, keySet).persist();
  const pathDiscovery = { ...discovery, issuer: PATH_ISSUER, jwks_uri: `${REMOTE_ISSUER}/tenant-1/discovery/v2.0/keys` };
  idp.intercept({ path: "/tenant-1/v2.0/.well-known/openid-configuration" }).reply(200, JSON.stringify(pathDiscovery)).persist();
  idp.intercept({ path: "/tenant-1/discovery/v2.0/keys" }).reply(200, keySet).persist();
  const foreignDiscovery = { ...discovery, issuer: FOREIGN_KEYS_ISSUER, jwks_uri: "https://keys.example.net/keys" };
  idp.intercept({ path: "/foreign-keys/.well-known/openid-configuration" }).reply(200, JSON.stringify(foreignDiscovery)).persist();
  fetchMock.get("https://keys.example.net").intercept({ path: "/keys" }).reply(200, keySet).persist();
  idp
    .intercept({ path: "/token", method: "POST" })
    .reply((request) => {
      const headers = new Headers(request.headers as HeadersInit);
      tokenRequests.push({ body: String(request.body), authorization: headers.get("authorization") });
      return { statusCode: 200, data: JSON.stringify({ token_type: "Bearer", id_token: idTokenFor(lastNonce) }) };
    })
    .persist();
});

afterAll(() => {
  fetchMock.deactivate();
});

beforeEach(() => {
  tokenRequests = [];
  idTokenFor = (nonce) => signed(claims(nonce));
});

async function tenantWithRemoteProvider(fields: Record<string, unknown> = {}, issuer = REMOTE_ISSUER) {
  const tenantId = await createTenant();
  await putProvider(tenantId, "remote", { issuer, clientId: CLIENT_ID, clientSecret: "remote-secret", ...fields });
  const user = await createUser(tenantId, "alice@contoso.example");
  await linkIdentity(tenantId, user.id, "remote-alice", issuer);
  return tenantId;
}

/** Starts at our page, pretends the provider signed the person in, and comes back with its code. */
async function remoteSignIn(tenantId: string): Promise<Response> {
  const started = await startExternalSignIn(tenantId, "remote");
  expect(started.location.origin + started.location.pathname).toBe(`${REMOTE_ISSUER}/authorize`);
  lastNonce = started.location.searchParams.get("nonce") ?? "";
  const back = new URL(started.location.searchParams.get("redirect_uri") ?? "");
  back.searchParams.set("code", "provider-code-1");
  back.searchParams.set("state", started.location.searchParams.get("state") ?? "");
  return callback(back, started.bindingCookie);
}

async function expectNothingIssued(response: Response): Promise<void> {
  const html = await response.text();
  expect(response.status, html).toBe(400);
  expect(response.headers.get("Location")).toBeNull();
  expect(html).toContain("AADSTS50000");
}

describe("the external provider's ID token", () => {
  it("signs the linked user in when every check holds; the secret goes by HTTP Basic, the verifier with the code", async () => {
    const tenantId = await tenantWithRemoteProvider();
    const answer = await remoteSignIn(tenantId);
    expect(answer.status, await answer.clone().text()).toBe(302);
    expect(new URL(answer.headers.get("Location") ?? "").origin + new URL(answer.headers.get("Location") ?? "").pathname).toBe(LOOPBACK);
    const sent = tokenRequests[0]!;
    expect(sent.authorization).toBe(`Basic ${btoa(`${CLIENT_ID}:remote-secret`)}`);
    const form = new URLSearchParams(sent.body);
    expect(form.get("grant_type")).toBe("authorization_code");
    expect(form.get("code")).toBe("provider-code-1");
    expect(form.get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(form.get("client_secret")).toBeNull();
  });

  it("sends the secret in the form under client_secret_post", async () => {
    const tenantId = await tenantWithRemoteProvider({ clientAuth: "client_secret_post" });
    expect((await remoteSignIn(tenantId)).status).toBe(302);
    expect(tokenRequests[0]!.authorization).toBeNull();
    expect(new URLSearchParams(tokenRequests[0]!.body).get("client_secret")).toBe("remote-secret");
  });

  const bad: [string, (nonce: string) => string][] = [
    ["a wrong nonce", () => signed(claims("another-sign-ins-nonce"))],
    ["no nonce", (nonce) => signed({ ...claims(nonce), nonce: undefined })],
    ["a wrong audience", (nonce) => signed(claims(nonce, { aud: "someone-else" }))],
    ["several audiences and another azp", (nonce) => signed(claims(nonce, { aud: [CLIENT_ID, "other"], azp: "other" }))],
    ["a wrong issuer", (nonce) => signed(claims(nonce, { iss: "https://idp.example.com/other" }))],
    ["an expired token", (nonce) => signed(claims(nonce, { iat: now() - 900, exp: now() - 600 }))],
    ["an iat in the future", (nonce) => signed(claims(nonce, { iat: now() + 3600, exp: now() + 7200 }))],
    ["another key's signature", (nonce) => signed(claims(nonce), otherKey)],
    ["alg none", (nonce) => `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${btoa(JSON.stringify(claims(nonce))).replace(/=+$/, "")}.`],
    ["no token at all", () => ""],
  ];
  it.each(bad)("refuses %s and issues nothing", async (_what, token) => {
    const tenantId = await tenantWithRemoteProvider();
    idTokenFor = token;
    await expectNothingIssued(await remoteSignIn(tenantId));
  });
});

describe("where the provider's keys may be", () => {
  it("beside an issuer with a path, on its origin (Entra ID v2.0's shape)", async () => {
    const tenantId = await tenantWithRemoteProvider({}, PATH_ISSUER);
    idTokenFor = (nonce) => signed(claims(nonce, { iss: PATH_ISSUER }));
    const answer = await remoteSignIn(tenantId);
    expect(answer.status, await answer.clone().text()).toBe(302);
    expect(new URL(answer.headers.get("Location") ?? "").searchParams.get("code")).toBeTruthy();
  });

  it("not on another host, whatever the discovery document says", async () => {
    const tenantId = await tenantWithRemoteProvider({}, FOREIGN_KEYS_ISSUER);
    idTokenFor = (nonce) => signed(claims(nonce, { iss: FOREIGN_KEYS_ISSUER }));
    await expectNothingIssued(await remoteSignIn(tenantId));
  });
});
