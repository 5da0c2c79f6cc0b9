import { SELF } from "cloudflare:test";
import type { JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, VAULT_RESOURCE, admin, assignRole, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName, vaultClient } from "../../support/fixture.ts";
import { foreignKey, hmacSigned, publicKeyPem, signWithTenantKey, unsigned, type ForeignKey } from "../../support/forged-tokens.ts";
import { alterSignature, base64UrlJson, errorCode, expectChallenge, jwtParts } from "../../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * Every token the data plane and the admin API must refuse, one named row each (docs/security.md, Tokens). Azure's
 * promise (docs/client-contract.md §2): a request without a valid token is 401 with `WWW-Authenticate: Bearer
 * authorization="…", resource="…"`, and nothing is returned or changed. Each row is tried as a read of an existing
 * secret (the body must not carry its value) and as a write of a new version; the secret is checked unchanged after
 * every row. The admin API's rows try to list and create principals of the token's tenant.
 */
const ADMIN_RESOURCE = `${ISSUER_ORIGIN}/admin`;
const SECRET = "token-refusal-known";
const VALUE = `value-${crypto.randomUUID()}`;

interface World {
  readonly tenantA: string;
  readonly tenantB: string;
  readonly principal: string;
  /** A valid data-plane token of a Key Vault Administrator of the vault, and its parts. */
  readonly token: string;
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly attacker: ForeignKey;
  /** Claims exactly as tenant A's service puts them in a token for `principal`, for `audience`. */
  readonly claims: (audience?: string) => Record<string, unknown>;
  readonly tokenB: string;
  readonly tenantAdminToken: string;
  readonly tenantAdminDataToken: string;
  readonly plainAdminAudienceToken: string;
}

type Header = string | null;
type Row = readonly [name: string, authorization: (w: World) => Header | Promise<Header>];

const bearer = (token: string): string => `Bearer ${token}`;
const now = (): number => Math.floor(Date.now() / 1000);

/** Rows that are wrong for both planes: the admin rows add the admin audience, the data rows the vault's. */
const forged = (audience: (w: World) => string): Row[] => [
  ["alg none, no kid", (w) => bearer(unsigned(w.claims(audience(w))))],
  ["alg none naming the tenant's kid", (w) => bearer(unsigned(w.claims(audience(w)), { kid: w.kid }))],
  ["alg None (case variant)", (w) => bearer(unsigned(w.claims(audience(w)), { alg: "None", kid: w.kid }))],
  ["HS256 keyed with random bytes", async (w) => bearer(await hmacSigned(w.claims(audience(w)), crypto.getRandomValues(new Uint8Array(32))))],
  ["HS256 keyed with the issuer's public JWK (JSON)", async (w) => bearer(await hmacSigned(w.claims(audience(w)), JSON.stringify(w.publicJwk), { kid: w.kid }))],
  ["HS256 keyed with the issuer's public key x coordinate", async (w) => bearer(await hmacSigned(w.claims(audience(w)), w.publicJwk.x ?? "", { kid: w.kid }))],
  ["HS256 keyed with the issuer's public key PEM", async (w) => bearer(await hmacSigned(w.claims(audience(w)), await publicKeyPem(w.publicJwk), { kid: w.kid }))],
  ["ES256 by a foreign key naming the tenant's kid", async (w) => bearer(await w.attacker.sign(w.claims(audience(w)), { kid: w.kid }))],
  ["ES256 by a foreign key with a foreign kid", async (w) => bearer(await w.attacker.sign(w.claims(audience(w)), { kid: crypto.randomUUID() }))],
  ["foreign key published at a jku", async (w) => bearer(await w.attacker.sign(w.claims(audience(w)), { kid: "evil", jku: "https://attacker.example/keys" }))],
  ["foreign key at a jku on the issuer's own origin", async (w) => bearer(await w.attacker.sign(w.claims(audience(w)), { kid: "evil", jku: `${ISSUER_ORIGIN}/${w.tenantB}/discovery/v2.0/keys` }))],
  ["tenant A's claims signed by tenant B's key", async (w) => bearer(await signWithTenantKey(w.tenantB, w.claims(audience(w)), now()))],
  ["foreign key certified at an x5u", async (w) => bearer(await w.attacker.sign(w.claims(audience(w)), { kid: "evil", x5u: "https://attacker.example/cert.pem" }))],
  ["foreign key embedded as jwk header", async (w) => bearer(await w.attacker.sign(w.claims(audience(w)), { kid: w.kid, jwk: w.attacker.publicJwk }))],
  ["expired, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, w.claims(audience(w)), now() - 7200, 3600))],
  ["nbf in the future, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, w.claims(audience(w)), now() + 1800, 3600))],
  ["wrong iss, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, { ...w.claims(audience(w)), iss: `${ISSUER_ORIGIN}/${w.tenantB}/v2.0` }, now()))],
  ["foreign iss host, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, { ...w.claims(audience(w)), iss: `https://login.microsoftonline.com/${w.tenantA}/v2.0` }, now()))],
  ["wrong tid, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, { ...w.claims(audience(w)), tid: w.tenantB }, now()))],
  ["no oid, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, { ...w.claims(audience(w)), oid: undefined }, now()))],
  ["wrong aud, signed by the tenant's key", async (w) => bearer(await signWithTenantKey(w.tenantA, w.claims("https://management.azure.com"), now()))],
  ["aud as an array with a foreign audience only", async (w) => bearer(await signWithTenantKey(w.tenantA, { ...w.claims(), aud: ["https://other.example"] }, now()))],
  ["no Authorization header", () => null],
  ["Basic scheme", () => `Basic ${btoa("a:b")}`],
  ["Bearer without a token", () => "Bearer"],
  ["Bearer with an empty token", () => "Bearer "],
  ["two tokens", (w) => `Bearer ${w.token} ${w.token}`],
  ["not a JWS: two segments", () => bearer("a.b")],
  ["not a JWS: dots only", () => bearer("...")],
  ["not a JWS: five segments (JWE shape)", () => bearer("a.b.c.d.e")],
  ["header not base64url", (w) => bearer(`%%%.${w.token.split(".")[1] ?? ""}.sig`)],
  ["header not JSON", (w) => bearer(`${btoa("{alg").replace(/=+$/, "")}.${w.token.split(".")[1] ?? ""}.${w.token.split(".")[2] ?? ""}`)],
  ["payload not JSON", (w) => bearer(`${w.token.split(".")[0] ?? ""}.${btoa("[1,").replace(/=+$/, "")}.${w.token.split(".")[2] ?? ""}`)],
  ["oversized token (20 KiB of claims)", async (w) => bearer(await w.attacker.sign({ ...w.claims(audience(w)), pad: "x".repeat(20_480) }, { kid: w.kid }))],
];

const DATA_ROWS: Row[] = [
  ...forged(() => VAULT_RESOURCE),
  ["signature stripped", (w) => bearer(`${w.token.split(".").slice(0, 2).join(".")}.`)],
  ["signature altered", (w) => bearer(alterSignature(w.token))],
  ["claims altered under the original signature", (w) => bearer(`${w.token.split(".")[0] ?? ""}.${base64UrlJson({ ...jwtParts(w.token).payload, oid: crypto.randomUUID() })}.${w.token.split(".")[2] ?? ""}`)],
  ["a valid token of another tenant", (w) => bearer(w.tokenB)],
  ["the principal's token for another resource", async (w) => bearer(await tokenFor(await identityOf(w), "https://other.example"))],
  ["the principal's token for the vault host itself", async (w) => bearer(await tokenFor(await identityOf(w), "https://kv.vault.localhost:8443"))],
  ["an admin-audience token of the vault's administrator", async (w) => bearer(await tokenFor(await identityOf(w), ADMIN_RESOURCE))],
  ["an admin-audience token of a tenant admin", (w) => bearer(w.tenantAdminToken)],
];

const ADMIN_ROWS: Row[] = [
  ...forged(() => ADMIN_RESOURCE),
  ["a data-plane token of a tenant admin", (w) => bearer(w.tenantAdminDataToken)],
  ["an admin-audience token of a principal that is not a tenant admin", (w) => bearer(w.plainAdminAudienceToken)],
  ["an admin-audience token of another tenant's admin", async (w) => bearer(await adminTokenOf(w.tenantB))],
  ["admin token signature altered", (w) => bearer(alterSignature(w.tenantAdminToken))],
  ["admin token signature stripped", (w) => bearer(`${w.tenantAdminToken.split(".").slice(0, 2).join(".")}.`)],
];

const identities = new Map<string, string>();
const identityOf = async (w: World): Promise<string> => identities.get(w.principal) ?? expect.fail("no identity header");

async function adminTokenOf(tenantId: string): Promise<string> {
  const p = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
  return tokenFor(p.identityHeader as string, ADMIN_RESOURCE);
}

const vault = uniqueVaultName("tokref");
let world: World;

beforeAll(async () => {
  const tenantA = await createTenant("A");
  const tenantB = await createTenant("B");
  await createVault(tenantA, vault);
  const mi = await createPrincipal(tenantA);
  identities.set(mi.id, mi.identityHeader as string);
  await assignRole(tenantA, vault, mi.id, "Key Vault Administrator");
  const token = await tokenFor(mi.identityHeader as string);
  const kid = jwtParts(token).header.kid as string;
  const jwks = (await (await SELF.fetch(`${ISSUER_ORIGIN}/${tenantA}/discovery/v2.0/keys`)).json()) as { keys: JWK[] };
  const publicJwk = jwks.keys.find((k) => k.kid === kid) ?? expect.fail("the tenant publishes its token key");
  const miB = await createPrincipal(tenantB);
  const tenantAdmin = await createPrincipal(tenantA, "managedIdentity", { tenantAdmin: true });
  const plain = await createPrincipal(tenantA);
  const claims = (audience = VAULT_RESOURCE) => {
    const at = now();
    return { iss: `${ISSUER_ORIGIN}/${tenantA}/v2.0`, aud: audience, sub: mi.id, oid: mi.id, tid: tenantA, appid: mi.appId, iat: at, nbf: at, exp: at + 3600 };
  };
  world = {
    tenantA, tenantB, principal: mi.id, token, kid, publicJwk, claims,
    attacker: await foreignKey(),
    tokenB: await tokenFor(miB.identityHeader as string),
    tenantAdminToken: await tokenFor(tenantAdmin.identityHeader as string, ADMIN_RESOURCE),
    tenantAdminDataToken: await tokenFor(tenantAdmin.identityHeader as string),
    plainAdminAudienceToken: await tokenFor(plain.identityHeader as string, ADMIN_RESOURCE),
  };
  expect((await vaultClient(vault, token).request("PUT", `/secrets/${SECRET}`, { value: VALUE })).status).toBe(200);
});

const dataRequest = (authorization: Header, method: string, path: string, body?: unknown) =>
  vaultClient(vault, null).request(method, path, body, authorization === null ? {} : { Authorization: authorization });

async function secretVersions(): Promise<unknown> {
  const versions = await vaultClient(vault, world.token).json<{ value: unknown[] }>("GET", `/secrets/${SECRET}/versions`);
  const current = await vaultClient(vault, world.token).json<{ value: string }>("GET", `/secrets/${SECRET}`);
  return { versions: versions.body.value, value: current.body.value };
}

describe("the data plane refuses every forged, stale, misdirected or malformed token", () => {
  it("positive controls: the legitimate token, and the resource spelled with a trailing slash", async () => {
    expect((await dataRequest(bearer(world.token), "GET", `/secrets/${SECRET}`)).status).toBe(200);
    const slash = await tokenFor(await identityOf(world), `${VAULT_RESOURCE}/`);
    expect((await dataRequest(bearer(slash), "GET", `/secrets/${SECRET}`)).status).toBe(200);
  });

  it.each(DATA_ROWS)("%s: 401 with the challenge, nothing returned, nothing changed", async (_name, make) => {
    const authorization = await make(world);
    const before = await secretVersions();
    const read = await dataRequest(authorization, "GET", `/secrets/${SECRET}`);
    const readText = await read.clone().text();
    await expectChallenge(read, world.tenantA);
    expect(readText).not.toContain(VALUE);
    await expectChallenge(await dataRequest(authorization, "PUT", `/secrets/${SECRET}`, { value: "overwritten" }), world.tenantA);
    await expectChallenge(await dataRequest(authorization, "DELETE", `/secrets/${SECRET}`), world.tenantA);
    await expectChallenge(await dataRequest(authorization, "PUT", `/secrets/${SECRET}`, "{not json"), world.tenantA);
    expect(await secretVersions()).toStrictEqual(before);
  });
});

describe("the admin API refuses the same tokens, and data-plane tokens", () => {
  const principals = async () => JSON.stringify(await (await admin("GET", `/tenants/${world.tenantA}/principals`)).json());

  it("positive control: a tenant admin's admin-audience token lists its principals", async () => {
    const response = await SELF.fetch(`${ADMIN_RESOURCE}/tenants/${world.tenantA}/principals`, { headers: { Authorization: bearer(world.tenantAdminToken) } });
    expect(response.status).toBe(200);
  });

  it.each(ADMIN_ROWS)("%s: 401 Unauthorized, nothing listed, nothing created", async (_name, make) => {
    const authorization = await make(world);
    const headers = { ...(authorization === null ? {} : { Authorization: authorization }), "Content-Type": "application/json" };
    const before = await principals();
    const list = await SELF.fetch(`${ADMIN_RESOURCE}/tenants/${world.tenantA}/principals`, { headers });
    const listText = await list.clone().text();
    expect({ status: list.status, code: (await errorCode(list)).code }).toStrictEqual({ status: 401, code: "Unauthorized" });
    expect(listText).not.toContain(world.principal);
    const create = await SELF.fetch(`${ADMIN_RESOURCE}/tenants/${world.tenantA}/principals`, {
      method: "POST", headers, body: JSON.stringify({ type: "servicePrincipal", displayName: "intruder", tenantAdmin: true }),
    });
    expect({ status: create.status, code: (await errorCode(create)).code }).toStrictEqual({ status: 401, code: "Unauthorized" });
    expect(await principals()).toBe(before);
  });
});
