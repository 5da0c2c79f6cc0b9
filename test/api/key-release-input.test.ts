/**
 * The edges of secure key release (docs/key-release.md): Azure's rules for exportable keys and release policies on
 * create, import and update; malformed policies and release requests are a 400 naming what is wrong, and change
 * nothing; the attestation route's honest refusals; the local attestation authority's own endpoints.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { ISSUER_ORIGIN } from "../support/fixture.ts";
import { RSA_2048_JWK, SLOW_KEYS, b64u, expectKvError, expectOk, keyVault, utf8, type KeyBundle } from "../support/key-api.ts";
import { LOCAL_AUTHORITY, attest, exportableKey, openRelease, release, releasePolicy, releaseVault, workload } from "../support/key-release.ts";

failOnlyOnTrulyUnhandledRejections();

const versionOf = (kid: string): string => kid.split("/").pop() as string;
const policyOf = (json: unknown) => ({ data: b64u(utf8(typeof json === "string" ? json : JSON.stringify(json))) });

describe("exportable keys and release policies", () => {
  it("follow Azure's rules on create, import and update, and a refused request stores nothing", async () => {
    const { kv } = await releaseVault("skr-rules");
    const refuse = async (body: Record<string, unknown>, pattern: RegExp) => {
      const response = await kv.json("POST", "/keys/r/create", { kty: "RSA", key_size: 2048, ...body });
      expect(expectKvError(response, 400, "BadParameter").message).toMatch(pattern);
    };
    await refuse({ attributes: { exportable: true } }, /exportable/i);
    await refuse({ release_policy: releasePolicy() }, /exportable/i);
    await refuse({ attributes: { exportable: "yes" }, release_policy: releasePolicy() }, /exportable/);
    await refuse({ attributes: { exportable: true }, release_policy: policyOf("{") }, /release policy is not valid: it is not JSON/);
    await refuse({ attributes: { exportable: true }, release_policy: policyOf({ anyOf: [{ authority: "https://a.example/", allOf: [{ claim: "x", like: 1 }] }] }) }, /exactly one operator/);
    await refuse({ attributes: { exportable: true }, release_policy: { data: "***" } }, /not base64url/);
    await refuse({ attributes: { exportable: true }, release_policy: { data: "" } }, /'data' is required/);
    await refuse({ attributes: { exportable: true }, release_policy: { ...releasePolicy(), contentType: "text/plain" } }, /contentType/);
    await refuse({ attributes: { exportable: true }, release_policy: { ...releasePolicy(), immutable: "true" } }, /immutable/);
    await refuse({ attributes: { exportable: true }, release_policy: policyOf("x".repeat(16 * 1024 + 1)) }, /larger than/);
    expectKvError(await kv.json("GET", "/keys/r"), 404, "KeyNotFound");

    // Azure's example form and "; version=1.0" content type are accepted, and answered as sent.
    const azureForm = { contentType: "application/json; charset=utf-8; version=1.0", ...policyOf({ version: "1.0", anyOf: [{ authority: LOCAL_AUTHORITY, anyOf: [{ claim: "sdk-test", condition: "equals", value: "true" }] }] }) };
    const created = (await exportableKey(kv, "azure-form", {}, azureForm)) as KeyBundle & { release_policy: unknown };
    expect(created.release_policy).toEqual({ ...azureForm, immutable: false });

    // Import: the same rules, and an imported key is released as it was imported.
    const imported = expectOk(await kv.json<KeyBundle>("PUT", "/keys/imported", { key: RSA_2048_JWK, attributes: { exportable: true }, release_policy: releasePolicy() }));
    expect(imported.attributes.exportable).toBe(true);
    expectKvError(await kv.json("PUT", "/keys/imported2", { key: RSA_2048_JWK, attributes: { exportable: true } }), 400, "BadParameter");
    const w = await workload();
    const opened = await openRelease(expectOk(await release(kv, "imported", versionOf(imported.key.kid), { target: await attest(w) })).value as string, w);
    const back = (await crypto.subtle.exportKey("jwk", await crypto.subtle.importKey("pkcs8", opened.keyBytes, { name: "RSA-OAEP", hash: "SHA-1" }, true, ["decrypt"]))) as JsonWebKey;
    expect([back.n, back.d, back.qi]).toEqual([RSA_2048_JWK.n, RSA_2048_JWK.d, RSA_2048_JWK.qi]);

    // Update: no policy on a key that is not exportable.
    const plain = expectOk(await kv.json<KeyBundle>("POST", "/keys/plain/create", { kty: "EC", crv: "P-256" }));
    expectKvError(await kv.json("PATCH", `/keys/plain/${versionOf(plain.key.kid)}`, { release_policy: releasePolicy() }), 400, "BadParameter");
    expectKvError(await kv.json("PATCH", `/keys/plain/${versionOf(plain.key.kid)}`, { attributes: { exportable: true } }), 400, "BadParameter");
  }, SLOW_KEYS.timeout);

  it("need a premium vault or a managed HSM", async () => {
    const { kv } = await keyVault("skr-standard");
    const response = await kv.json("POST", "/keys/k/create", { kty: "RSA", key_size: 2048, attributes: { exportable: true }, release_policy: releasePolicy() });
    expect(expectKvError(response, 400, "BadParameter").message).toMatch(/premium/);
  }, SLOW_KEYS.timeout);
});

describe("the release request", () => {
  it("is checked before anything is released", async () => {
    const { kv } = await releaseVault("skr-request");
    const key = await exportableKey(kv, "k");
    const version = versionOf(key.key.kid);
    expect(expectKvError(await release(kv, "k", version, {}), 400, "BadParameter").message).toMatch(/'target' is required/);
    expectKvError(await release(kv, "k", version, { target: "" }), 400, "BadParameter");
    expect(expectKvError(await release(kv, "k", version, { target: "t", enc: "RSA-OAEP" }), 400, "BadParameter").message).toMatch(/CKM_RSA_AES_KEY_WRAP/);
    expectKvError(await release(kv, "k", version, { target: "t", nonce: 5 }), 400, "BadParameter");
    const old = await kv.request("POST", `/keys/k/${version}/release?api-version=7.2`, { target: "t" });
    expect(old.status).toBe(400);
    expect(((await old.json()) as { error: { message: string } }).error.message).toMatch(/added in 7.3/);
  }, SLOW_KEYS.timeout);
});

describe("key attestation (GET /keys/{name}/{version}/attestation)", () => {
  it("a software key has none (400), and is not read as GetKey of version 'attestation'; older api-versions have no such route", async () => {
    const { kv } = await releaseVault("skr-attestation");
    const key = await exportableKey(kv, "k");
    for (const path of ["/keys/k/attestation", `/keys/k/${versionOf(key.key.kid)}/attestation`]) {
      expect(expectKvError(await kv.json("GET", path), 400, "BadParameter").message).toMatch(/software-protected/);
    }
    expectKvError(await kv.json("GET", "/keys/missing/attestation"), 404, "KeyNotFound");
    expectKvError(await kv.json("GET", "/keys/k/00000000000000000000000000000000/attestation"), 404, "KeyNotFound");
    for (const version of ["7.6-preview.2", "7.6", "2025-07-01"]) {
      const answer = await kv.request("GET", `/keys/k/attestation?api-version=${version}`);
      expect(answer.status, version).toBe(400);
      expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/software-protected/);
    }
    for (const version of ["7.5", "7.4"]) {
      const old = await kv.request("GET", `/keys/k/attestation?api-version=${version}`);
      expect(old.status, version).toBe(400);
      expect(((await old.json()) as { error: { message: string } }).error.message).toMatch(/added in 7.6-preview.2/);
    }
  }, SLOW_KEYS.timeout);
});

describe("the local attestation authority", () => {
  const post = (path: string, body: unknown) =>
    SELF.fetch(`${LOCAL_AUTHORITY}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  it("publishes discovery and its key set like Microsoft Azure Attestation", async () => {
    const discovery = (await (await SELF.fetch(`${LOCAL_AUTHORITY}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: LOCAL_AUTHORITY, jwks_uri: `${LOCAL_AUTHORITY}/certs` });
    const certs = (await (await SELF.fetch(`${LOCAL_AUTHORITY}/certs`)).json()) as { keys: Record<string, unknown>[] };
    expect(certs.keys).toEqual([expect.objectContaining({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) })]);
    expect(certs.keys[0]).not.toHaveProperty("d");
  });

  it("mints tokens with the requested claims but never lets the request say who issued them or when", async () => {
    const w = await workload();
    const token = await attest(w, { claims: { "x-ms-custom": 1 }, nonce: "n" });
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    expect(payload).toMatchObject({
      iss: LOCAL_AUTHORITY,
      "x-ms-attestation-type": "azurevm",
      "x-ms-isolation-tee": { "x-ms-attestation-type": "sevsnpvm" },
      "x-ms-runtime": { keys: [w.runtimeJwk], "client-payload": { nonce: "n" } },
      "x-ms-custom": 1,
      "x-ms-simulated": true,
    });
    for (const claim of ["iss", "exp", "iat", "nbf", "jti"]) expect((await post("/attest/SevSnpVm", { claims: { [claim]: 1 } })).status).toBe(400);
    expect((await post("/attest/SevSnpVm", { lifetimeSeconds: 0 })).status).toBe(400);
    expect((await post("/attest/SevSnpVm", { runtimeData: [] })).status).toBe(400);
    expect((await post("/attest/Quantum", {})).status).toBe(404);
    expect((await SELF.fetch(`${ISSUER_ORIGIN}/local-attestation/attest/SevSnpVm`)).status).toBe(404);
  });
});
