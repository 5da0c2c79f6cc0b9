import { SELF, env, runInDurableObject } from "cloudflare:test";
import { SignJWT, generateKeyPair, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../../core/domain/clock.ts";
import {
  ISSUER_ORIGIN,
  VAULT_RESOURCE,
  assignRole,
  createPrincipal,
  createTenant,
  createVault,
  tokenFor,
  vaultClient,
  uniqueVaultName,
  type CreatedIdentity,
} from "../support/fixture.ts";
import { alterSignature, base64UrlJson, expectChallenge, jwtParts } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * Tokens the data plane must refuse with the 401 challenge (docs/client-contract.md §2). Everything is
 * created in beforeAll so that all tests share one vault; each test checks its refusal against a
 * positive control with the legitimate token.
 */
describe("data-plane token verification", () => {
  const vault = uniqueVaultName("tok");
  let tenantA: string;
  let tenantB: string;
  let miA: CreatedIdentity;
  let tokenA: string;

  const getSecrets = (token: string | null, headers: Record<string, string> = {}) =>
    vaultClient(vault, token).request("GET", "/secrets", undefined, headers);

  /** Signs a token whose claims are exactly what tenant A's service would put in one for miA. */
  function claimsA(): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: `${ISSUER_ORIGIN}/${tenantA}/v2.0`,
      aud: VAULT_RESOURCE,
      sub: miA.id,
      oid: miA.id,
      tid: tenantA,
      appid: miA.appId,
      iat: now,
      nbf: now,
      exp: now + 3600,
    };
  }

  async function tokenAt(tenantId: string, identityHeader: string, atMs: number): Promise<string> {
    const stub = env.TENANT.get(env.TENANT.idFromName(tenantId));
    await runInDurableObject(stub, (instance) => {
      instance.clock = new ManualClock(atMs);
    });
    try {
      return await tokenFor(identityHeader);
    } finally {
      await runInDurableObject(stub, (instance) => {
        instance.clock = systemClock;
      });
    }
  }

  beforeAll(async () => {
    tenantA = await createTenant("A");
    tenantB = await createTenant("B");
    await createVault(tenantA, vault);
    miA = await createPrincipal(tenantA);
    await assignRole(tenantA, vault, miA.id, "Key Vault Administrator");
    tokenA = await tokenFor(miA.identityHeader as string);
  });

  it("accepts the legitimate token (positive control)", async () => {
    expect((await getSecrets(tokenA)).status).toBe(200);
  });

  it("answers a missing or malformed Authorization header with the challenge", async () => {
    await expectChallenge(await getSecrets(null), tenantA);
    await expectChallenge(await getSecrets(null, { Authorization: `Basic ${btoa("a:b")}` }), tenantA);
    await expectChallenge(await getSecrets(null, { Authorization: "Bearer" }), tenantA);
    await expectChallenge(await getSecrets(null, { Authorization: `Bearer ${tokenA} extra` }), tenantA);
  });

  it("refuses a token of another tenant", async () => {
    const miB = await createPrincipal(tenantB);
    const tokenB = await tokenFor(miB.identityHeader as string);
    expect(jwtParts(tokenB).payload.aud).toBe(VAULT_RESOURCE);
    await expectChallenge(await getSecrets(tokenB), tenantA);
  });

  it("refuses a token for another audience", async () => {
    await expectChallenge(await getSecrets(await tokenFor(miA.identityHeader as string, "https://other.example")), tenantA);
    await expectChallenge(await getSecrets(await tokenFor(miA.identityHeader as string, `${ISSUER_ORIGIN}/admin`)), tenantA);
    await expectChallenge(await getSecrets(await tokenFor(miA.identityHeader as string, "https://kv.vault.localhost:8443")), tenantA);
  });

  it("accepts a token requested for the resource with a trailing slash", async () => {
    const token = await tokenFor(miA.identityHeader as string, `${VAULT_RESOURCE}/`);
    expect([VAULT_RESOURCE, `${VAULT_RESOURCE}/`]).toContain(jwtParts(token).payload.aud);
    expect((await getSecrets(token)).status).toBe(200);
  });

  it("refuses a token whose signature was altered", async () => {
    const altered = alterSignature(tokenA);
    expect(altered).not.toBe(tokenA);
    await expectChallenge(await getSecrets(altered), tenantA);
  });

  it("refuses a token whose claims were altered under the original signature", async () => {
    const [header, , signature] = tokenA.split(".");
    const payload = { ...jwtParts(tokenA).payload, oid: crypto.randomUUID() };
    await expectChallenge(await getSecrets(`${header}.${base64UrlJson(payload)}.${signature}`), tenantA);
  });

  it("refuses an unsigned token (alg: none)", async () => {
    const { header } = jwtParts(tokenA);
    const unsigned = `${base64UrlJson({ alg: "none", typ: "JWT" })}.${base64UrlJson(claimsA())}.`;
    await expectChallenge(await getSecrets(unsigned), tenantA);
    const withKid = `${base64UrlJson({ alg: "none", typ: "JWT", kid: header.kid })}.${base64UrlJson(claimsA())}.`;
    await expectChallenge(await getSecrets(withKid), tenantA);
  });

  it("refuses an HS256 token with the right claims, signed with a random key", async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const forged = await new SignJWT(claimsA()).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
    await expectChallenge(await getSecrets(forged), tenantA);
  });

  it("refuses an HS256 token keyed with the tenant's public key (algorithm confusion)", async () => {
    const { header } = jwtParts(tokenA);
    const jwks = (await (await SELF.fetch(`${ISSUER_ORIGIN}/${tenantA}/discovery/v2.0/keys`)).json()) as { keys: JWK[] };
    const publicJwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(publicJwk).toBeDefined();
    for (const secret of [JSON.stringify(publicJwk), publicJwk?.x ?? ""]) {
      const forged = await new SignJWT(claimsA())
        .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: header.kid as string })
        .sign(new TextEncoder().encode(secret));
      await expectChallenge(await getSecrets(forged), tenantA);
    }
  });

  it("refuses an ES256 token signed by a key the tenant never published, even naming the tenant's kid", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const { header } = jwtParts(tokenA);
    for (const kid of [header.kid as string, crypto.randomUUID()]) {
      const forged = await new SignJWT(claimsA()).setProtectedHeader({ alg: "ES256", typ: "JWT", kid }).sign(privateKey);
      await expectChallenge(await getSecrets(forged), tenantA);
    }
  });

  it("refuses an expired token signed by the tenant's own key", async () => {
    const expired = await tokenAt(tenantA, miA.identityHeader as string, Date.now() - 2 * 3600 * 1000);
    const { payload } = jwtParts(expired);
    expect(payload.exp).toBeLessThan(Date.now() / 1000 - 3000);
    await expectChallenge(await getSecrets(expired), tenantA);
  });

  it("refuses a token that is not yet valid (nbf in the future)", async () => {
    const early = await tokenAt(tenantA, miA.identityHeader as string, Date.now() + 30 * 60 * 1000);
    expect(jwtParts(early).payload.nbf).toBeGreaterThan(Date.now() / 1000 + 1000);
    await expectChallenge(await getSecrets(early), tenantA);
  });

  it("challenges before reading the body of a PUT", async () => {
    const response = await vaultClient(vault, null).request("PUT", "/secrets/x", "{not json");
    await expectChallenge(response, tenantA);
  });
});
