/**
 * Published key sets (docs/edge-reads.md, "Published key sets"), an extension beyond Azure: while a vault's publicJwks
 * setting is on, `GET /keys/{name}/jwks`, `/.well-known/jwks.json` and `/.well-known/openid-configuration` answer
 * without a token or an api-version, so a JOSE library verifies what the vault's sign operation signed.
 */
import { SELF, runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, createRemoteJWKSet, customFetch, jwtVerify, type JSONWebKeySet } from "jose";
import { describe, expect, it } from "vitest";
import { admin, createTenant, uniqueVaultName } from "../support/fixture.ts";
import { EC_P256_JWK, OCT_KEYS, RSA_2048_JWK, SLOW_KEYS, b64u, digestOf, expectKvError, importKey, keyVault, octJwk, sign, utf8, versionOfKid } from "../support/key-api.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { readJson, setVaultClock, vaultObject, type KeyVaultError } from "../support/secrets.ts";
import { ObjectRepository } from "../../durable-objects/storage/object-repository.ts";
import type { VaultClient } from "../support/fixture.ts";

failOnlyOnTrulyUnhandledRejections();

const NIL = "00000000-0000-0000-0000-000000000000";
/** 3.2 s into a 10-second window a year ahead, as the throttling tests place it: Retry-After is then 7. */
const T = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000 + 3_200;

const base = (vault: string, host = "vault") => `https://${vault}.${host}.localhost:8443`;
/** As a JOSE library asks: no token, no api-version. */
const anonymous = (url: string, headers: Record<string, string> = {}) => SELF.fetch(url, { headers });

async function publish(tenantId: string, vault: string, publicJwks = true): Promise<void> {
  expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { publicJwks })).status).toBe(200);
}

async function keySet(url: string): Promise<JSONWebKeySet & { keys: Record<string, unknown>[] }> {
  const response = await anonymous(url);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

/** A JWT whose signature the vault made: JWS signing input, its SHA-256, then POST /keys/{name}/{version}/sign. */
async function vaultSignedJwt(kv: VaultClient, kid: string, alg: "RS256" | "ES256"): Promise<string> {
  const name = new URL(kid).pathname.split("/")[2] as string;
  const input = `${b64u(utf8(JSON.stringify({ alg, kid, typ: "JWT" })))}.${b64u(utf8(JSON.stringify({ sub: "edge", alg })))}`;
  // ES256 signatures come back as raw r‖s, which is what JWS (RFC 7515 §A.3) wants.
  return `${input}.${b64u(await sign(kv, name, alg, await digestOf("SHA-256", utf8(input)), versionOfKid(kid)))}`;
}

async function auditRecords(kv: VaultClient) {
  const log = await kv.json<{ value: { requestId: string; operationName: string; httpStatusCode: number; identity: unknown; object: { name: string } | null }[] }>(
    "GET",
    "/auditlog?maxresults=25",
  );
  return log.body.value;
}

describe("published key sets", () => {
  it("a JOSE library verifies RS256 and ES256 tokens the vault signed, from the key's set and the vault's", SLOW_KEYS, async () => {
    const { vault, tenantId, kv } = await keyVault("jwks");
    await publish(tenantId, vault);
    const rsa = (await importKey(kv, "rsa", RSA_2048_JWK)).key.kid;
    const ec = (await importKey(kv, "ec", EC_P256_JWK)).key.kid;

    const rsaSet = await anonymous(`${base(vault)}/keys/rsa/jwks`);
    expect([rsaSet.status, rsaSet.headers.get("Cache-Control"), rsaSet.headers.get("Access-Control-Allow-Origin")]).toEqual([200, "public, max-age=60", "*"]);
    expect(rsaSet.headers.get("ETag")).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    const rsaJwks = (await rsaSet.json()) as JSONWebKeySet;
    // Public members only; no alg for RSA (it signs RS* and PS* alike), use "sig", no key_ops.
    expect(rsaJwks).toStrictEqual({ keys: [{ kty: "RSA", kid: rsa, use: "sig", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e }] });
    const rsaToken = await vaultSignedJwt(kv, rsa, "RS256");
    expect((await jwtVerify(rsaToken, createLocalJWKSet(rsaJwks))).protectedHeader.kid).toBe(rsa);

    const ecJwks = await keySet(`${base(vault)}/keys/ec/jwks`);
    expect(ecJwks).toStrictEqual({ keys: [{ kty: "EC", kid: ec, use: "sig", alg: "ES256", crv: "P-256", x: EC_P256_JWK.x, y: EC_P256_JWK.y }] });
    const ecToken = await vaultSignedJwt(kv, ec, "ES256");
    expect((await jwtVerify(ecToken, createLocalJWKSet(ecJwks))).payload.sub).toBe("edge");

    // The discovery document leads to the vault's whole set, which verifies both.
    const discovery = await anonymous(`${base(vault)}/.well-known/openid-configuration`);
    expect(discovery.headers.get("Cache-Control")).toBe("public, max-age=60");
    const doc = (await discovery.json()) as { issuer: string; jwks_uri: string };
    expect(doc).toStrictEqual({ issuer: base(vault), jwks_uri: `${base(vault)}/.well-known/jwks.json` });
    const remote = createRemoteJWKSet(new URL(doc.jwks_uri), { [customFetch]: (url: string, init: RequestInit) => SELF.fetch(url, init) });
    for (const token of [rsaToken, ecToken]) await jwtVerify(token, remote);
    expect((await keySet(doc.jwks_uri)).keys.map((k) => k.kid).sort()).toEqual([ec, rsa].sort());

    // A token is ignored rather than checked, and a conditional read is 304 with the same caching.
    const withToken = await anonymous(`${base(vault)}/keys/rsa/jwks`, { Authorization: "Bearer not-a-token" });
    const tag = withToken.headers.get("ETag") ?? "";
    const unchanged = await anonymous(`${base(vault)}/keys/rsa/jwks`, { "If-None-Match": tag });
    expect([withToken.status, unchanged.status, unchanged.headers.get("Cache-Control")]).toEqual([200, 304, "public, max-age=60"]);
  });

  it("publishes enabled versions within nbf/exp, newest first; a disabled version disappears", SLOW_KEYS, async () => {
    const { vault, tenantId, kv } = await keyVault("jwks");
    await publish(tenantId, vault);
    const first = (await importKey(kv, "ec", EC_P256_JWK)).key.kid;
    const second = (await kv.json<{ key: { kid: string } }>("POST", "/keys/ec/rotate")).body.key.kid;
    const url = `${base(vault)}/keys/ec/jwks`;
    expect((await keySet(url)).keys.map((k) => k.kid)).toEqual([second, first]);
    const oldToken = await vaultSignedJwt(kv, first, "ES256");
    const before = await anonymous(url);

    expect((await kv.json("PATCH", `/keys/ec/${versionOfKid(first)}`, { attributes: { enabled: false } })).status).toBe(200);
    const after = await anonymous(url, { "If-None-Match": before.headers.get("ETag") ?? "" });
    expect(after.status).toBe(200);
    const jwks = (await after.json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).toEqual([second]);
    await expect(jwtVerify(oldToken, createLocalJWKSet(jwks))).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });

    // Not yet valid, then valid: the vault object's clock decides.
    await setVaultClock(vault, T);
    const nbf = Math.floor(T / 1000) + 3600;
    expect((await kv.json("PATCH", `/keys/ec/${versionOfKid(second)}`, { attributes: { nbf } })).status).toBe(200);
    expectKvError(await readJson(await anonymous(url)), 404, "KeyNotFound");
    await setVaultClock(vault, T + 3_600_000);
    expect((await keySet(url)).keys.map((k) => k.kid)).toEqual([second]);
    expect((await kv.json("PATCH", `/keys/ec/${versionOfKid(second)}`, { attributes: { exp: nbf + 60 } })).status).toBe(200);
    await setVaultClock(vault, T + 3_660_000);
    expectKvError(await readJson(await anonymous(url)), 404, "KeyNotFound");
  });

  it("answers a symmetric key, a key that cannot verify, an unknown and a deleted key alike: 404 KeyNotFound", SLOW_KEYS, async () => {
    const { vault, tenantId, kv } = await keyVault("jwks");
    await publish(tenantId, vault);
    await importKey(kv, "sym", octJwk(OCT_KEYS[256]));
    await importKey(kv, "enc", { ...RSA_2048_JWK, key_ops: ["encrypt", "decrypt"] });
    await importKey(kv, "gone", EC_P256_JWK);
    expect((await kv.json("DELETE", "/keys/gone")).status).toBe(200);

    const sym = await readJson<KeyVaultError>(await anonymous(`${base(vault)}/keys/sym/jwks`));
    expectKvError(sym, 404, "KeyNotFound");
    expect(sym.headers.get("Cache-Control")).toBe("no-cache");
    const none = await readJson<KeyVaultError>(await anonymous(`${base(vault)}/keys/none/jwks`));
    expect(expectKvError(none, 404, "KeyNotFound").message).toBe(expectKvError(sym, 404, "KeyNotFound").message.replace("sym", "none"));
    expectKvError(await readJson(await anonymous(`${base(vault)}/keys/gone/jwks`)), 404, "KeyNotFound");
    expectKvError(await readJson(await anonymous(`${base(vault)}/keys/bad_name/jwks`)), 404, "NotFound");
    expectKvError(await readJson(await anonymous(`${base(vault)}/keys/enc/jwks`)), 404, "KeyNotFound");
    expect(await keySet(`${base(vault)}/.well-known/jwks.json`)).toStrictEqual({ keys: [] });
  });

  it("switched off (the default), every path answers as an unknown path does, and nothing is charged", SLOW_KEYS, async () => {
    const { vault, tenantId, kv, token } = await keyVault("jwks");
    await importKey(kv, "ec", EC_P256_JWK);
    const unknown = await readJson<KeyVaultError>(
      await SELF.fetch(`${base(vault)}/nothing?api-version=2025-07-01`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    expectKvError(unknown, 404, "NotFound");
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: { keys: 1 } })).status).toBe(200);
    await setVaultClock(vault, T);
    for (const path of ["/keys/ec/jwks", "/keys/none/jwks", "/keys/bad_name/jwks", "/.well-known/jwks.json", "/.well-known/openid-configuration"]) {
      for (const headers of [{}, { Authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const off = await readJson<KeyVaultError>(await anonymous(`${base(vault)}${path}?api-version=2025-07-01`, headers));
        expect([off.status, off.body, off.headers.get("Cache-Control"), off.headers.get("ETag")], path).toEqual([404, unknown.body, "no-cache", null]);
      }
    }
    // Off, the throttle counted nothing: its one unit is still there, and then spent.
    await publish(tenantId, vault);
    expect((await anonymous(`${base(vault)}/keys/ec/jwks`)).status).toBe(200);
    const throttled = await anonymous(`${base(vault)}/.well-known/openid-configuration`);
    expect([throttled.status, throttled.headers.get("Retry-After"), throttled.headers.get("Cache-Control")]).toEqual([429, "7", "no-cache"]);
    expect(((await throttled.json()) as KeyVaultError).error.code).toBe("Throttled");
    // Switched off again, the next request sees it.
    await publish(tenantId, vault, false);
    expect((await anonymous(`${base(vault)}/keys/ec/jwks`)).status).toBe(404);
  });

  it("each request is charged one unit of keys and audited as an anonymous caller under its own operation", SLOW_KEYS, async () => {
    const { vault, tenantId, kv } = await keyVault("jwks");
    await importKey(kv, "ec", EC_P256_JWK);
    const refused = (await anonymous(`${base(vault)}/keys/ec/jwks`)).headers.get("x-ms-request-id");
    await publish(tenantId, vault);
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: { keys: 3 } })).status).toBe(200);
    await setVaultClock(vault, T);
    const ids: (string | null)[] = [];
    for (const path of ["/keys/ec/jwks", "/.well-known/jwks.json", "/.well-known/openid-configuration", "/keys/ec/jwks"]) {
      const response = await anonymous(`${base(vault)}${path}`);
      ids.push(response.headers.get("x-ms-request-id"));
      expect(response.status, path).toBe(ids.length <= 3 ? 200 : 429);
    }
    const records = await auditRecords(kv);
    const of = (id: string | null) => records.find((r) => r.requestId === id);
    const anonymousCaller = { claim: { oid: NIL, appid: NIL }, principalType: "Anonymous" };
    expect([refused, ...ids].map((id) => [of(id)?.operationName, of(id)?.httpStatusCode])).toEqual([
      ["KeyJwksGet", 404],
      ["KeyJwksGet", 200],
      ["VaultKeySetGet", 200],
      ["VaultDiscoveryGet", 200],
      ["KeyJwksGet", 429],
    ]);
    for (const id of [refused, ...ids]) expect(of(id)?.identity).toStrictEqual(anonymousCaller);
    expect(of(ids[0] ?? null)?.object?.name).toBe("ec");
  });

  it("a managed HSM serves them too, with its HSM keys' public parts", async () => {
    const tenantId = await createTenant();
    const name = uniqueVaultName("jwkshsm");
    // A managed HSM needs the bridge to be made through the admin API (this tier has none): made on its object here.
    const made = await vaultObject(name).create({ name, tenantId, retentionDays: 90, purgeProtection: false, sku: "managedHSM" });
    expect(made.ok).toBe(true);
    expect((await vaultObject(name).updateOperationalSettings({ publicJwks: true })).ok).toBe(true);
    const version = "0123456789abcdef0123456789abcdef";
    const props = { kty: "RSA-HSM", keyOps: ["sign", "verify"], keySize: 2048, publicJwk: { kty: "RSA", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e }, exportable: false };
    await runInDurableObject(vaultObject(name), (_instance, state) => {
      const objects = new ObjectRepository(state.storage.sql);
      objects.insertName("key", "signer", "Signer");
      const attributes = { enabled: true, created: 1, updated: 1 };
      objects.insertVersion("key", "signer", { name: "Signer", version, seq: 1, attributes, managed: false, sealedValue: new Uint8Array(1), props: JSON.stringify(props) });
    });

    const hsm = base(name, "managedhsm");
    const jwk = { kty: "RSA", kid: `${hsm}/keys/Signer/${version}`, use: "sig", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e };
    expect(await keySet(`${hsm}/keys/signer/jwks`)).toStrictEqual({ keys: [jwk] });
    expect(await keySet(`${hsm}/.well-known/jwks.json`)).toStrictEqual({ keys: [jwk] });
    expect(await (await anonymous(`${hsm}/.well-known/openid-configuration`)).json()).toStrictEqual({
      issuer: hsm,
      jwks_uri: `${hsm}/.well-known/jwks.json`,
    });
  });
});
