/**
 * Certificate client credentials (issue 17; docs/access-control.md "Certificate credentials"): a service principal
 * holds public certificates (`POST/GET/DELETE /admin/tenants/{t}/principals/{oid}/certificates`), and the token
 * endpoint takes a `private_key_jwt` client assertion signed by one of their keys — what MSAL makes for
 * ClientCertificateCredential: PS256 with `x5t#S256` (or RS256 with `x5t`), iss = sub = the client id, aud = the token
 * endpoint, exp, nbf, jti — once. Every refusal is the same 401 invalid_client.
 */
import { SignJWT, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { bytesToBase64, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { issueSelfSigned } from "../../core/crypto/x509/issue.ts";
import { writePem } from "../../core/crypto/x509/pem.ts";
import type { PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { ISSUER_ORIGIN, admin, createPrincipal, setupVault, uniqueVaultName, vaultClient, type CreatedIdentity } from "../support/fixture.ts";
import { base64UrlJson, jwtParts, postForm } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, readJson } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SCOPE = "https://vault.localhost:8443/.default";
const DAY_MS = 86_400_000;

interface ClientCertificate {
  der: Uint8Array<ArrayBuffer>;
  privateJwk: JWK;
  x5t: string;
  x5tS256: string;
}

async function makeCertificate(kind: "RSA" | "EC" = "EC", notBefore = new Date(Date.now() - DAY_MS), notAfter = new Date(Date.now() + 30 * DAY_MS)): Promise<ClientCertificate> {
  const params =
    kind === "RSA"
      ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }
      : { name: "ECDSA", namedCurve: "P-256" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const { alg: _alg, key_ops: _ops, ext: _ext, ...privateJwk } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JWK;
  const der = await issueSelfSigned({ subject: "CN=workload-client", notBefore, notAfter, privateJwk: privateJwk as PrivateJwk });
  const digest = async (alg: string) => bytesToBase64Url(new Uint8Array(await crypto.subtle.digest(alg, der)));
  return { der, privateJwk, x5t: await digest("SHA-1"), x5tS256: await digest("SHA-256") };
}

const tokenEndpoint = (tenantId: string) => `${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/token`;
const certificatesOf = (tenantId: string, principalId: string) => `/tenants/${tenantId}/principals/${principalId}/certificates`;

/** An assertion as MSAL makes it (ClientAssertion.createJwt), with `claims`/`header` changing it. */
async function assertion(cert: ClientCertificate, clientId: string, tenantId: string, options: { alg?: string; header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: JWK } = {}): Promise<string> {
  const alg = options.alg ?? (cert.privateJwk.kty === "RSA" ? "PS256" : "ES256");
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: tokenEndpoint(tenantId), exp: now + 600, iss: clientId, sub: clientId, nbf: now, jti: crypto.randomUUID(), ...options.claims };
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  const header = options.header ?? { "x5t#S256": cert.x5tS256 };
  return new SignJWT(defined).setProtectedHeader({ alg, ...header }).sign(await importJWK(options.key ?? cert.privateJwk, alg));
}

async function exchange(tenantId: string, clientId: string, clientAssertion: string) {
  const response = await postForm(tokenEndpoint(tenantId), { grant_type: "client_credentials", client_id: clientId, scope: SCOPE, client_assertion_type: JWT_BEARER, client_assertion: clientAssertion });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function expectRefused(answer: { status: number; body: Record<string, unknown> }, name: string): void {
  expect({ name, status: answer.status, error: answer.body.error, codes: answer.body.error_codes }).toEqual({ name, status: 401, error: "invalid_client", codes: [700027] });
  expect(answer.body.access_token).toBeUndefined();
}

async function clientWith(tenantId: string, cert: ClientCertificate): Promise<CreatedIdentity> {
  const sp = await createPrincipal(tenantId, "servicePrincipal");
  const added = await admin("POST", certificatesOf(tenantId, sp.id), { key: bytesToBase64(cert.der), displayName: "ci" });
  expect(added.status).toBe(201);
  return sp;
}

describe("certificate credentials: admin API", () => {
  it("adds from base64 DER or PEM, lists as Graph keyCredentials, deletes", async () => {
    const vault = uniqueVaultName("certadm");
    const { tenantId } = await setupVault(vault);
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const [a, b] = [await makeCertificate(), await makeCertificate()];
    const first = await readJson<Record<string, unknown>>(await admin("POST", certificatesOf(tenantId, sp.id), { key: bytesToBase64(a.der), displayName: "build agent" }));
    expect(first.status).toBe(201);
    const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", a.der));
    expect(first.body).toMatchObject({
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      displayName: "build agent",
      type: "AsymmetricX509Cert",
      usage: "Verify",
      customKeyIdentifier: bytesToBase64(sha1),
      thumbprint: [...sha1].map((x) => x.toString(16).padStart(2, "0")).join("").toUpperCase(),
      subject: "CN=workload-client",
    });
    const second = await readJson<{ keyId: string }>(await admin("POST", certificatesOf(tenantId, sp.id), { key: writePem([b.der]) }));
    expect(second.status).toBe(201);
    const listed = await readJson<{ value: { keyId: string }[] }>(await admin("GET", certificatesOf(tenantId, sp.id)));
    expect(listed.body.value.map((c) => c.keyId)).toEqual([first.body.keyId, second.body.keyId]);
    expect((await admin("DELETE", `${certificatesOf(tenantId, sp.id)}/${second.body.keyId}`)).status).toBe(204);
    expectError(await readJson(await admin("DELETE", `${certificatesOf(tenantId, sp.id)}/${second.body.keyId}`)), 404, "NotFound");
    expect((await readJson<{ value: unknown[] }>(await admin("GET", certificatesOf(tenantId, sp.id)))).body.value).toHaveLength(1);
  });

  it("refuses bad input with a 400 and changes nothing; managed identities hold none", async () => {
    const vault = uniqueVaultName("certbad");
    const { tenantId } = await setupVault(vault);
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const mi = await createPrincipal(tenantId);
    const cert = await makeCertificate();
    expect((await admin("POST", certificatesOf(tenantId, sp.id), { key: bytesToBase64(cert.der) })).status).toBe(201);
    const other = await makeCertificate();
    const otherKey = await crypto.subtle.importKey("jwk", other.privateJwk as JsonWebKey, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", otherKey)) as ArrayBuffer);
    const bad: unknown[] = [
      {},
      { key: "" },
      { key: 42 },
      { key: "not base64 !!" },
      { key: bytesToBase64(new Uint8Array([1, 2, 3, 4])) },
      { key: writePem([other.der], pkcs8) },
      { key: writePem([other.der, cert.der]) },
      { key: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" },
      { key: "A".repeat(20_000) },
      { key: bytesToBase64(other.der), displayName: "x".repeat(257) },
      { key: bytesToBase64(other.der), displayName: 5 },
      { key: bytesToBase64(cert.der) },
      [],
    ];
    for (const body of bad) expectError(await readJson(await admin("POST", certificatesOf(tenantId, sp.id), body)), 400, "BadParameter");
    expectError(await readJson(await admin("POST", certificatesOf(tenantId, mi.id), { key: bytesToBase64(other.der) })), 404, "PrincipalNotFound");
    expect((await readJson<{ value: unknown[] }>(await admin("GET", certificatesOf(tenantId, sp.id)))).body.value).toHaveLength(1);
  });
});

describe("certificate credentials: the token endpoint", () => {
  it("takes what MSAL sends (PS256 with x5t#S256, RS256 with x5t, ES256) once each, and the token reads a secret", async () => {
    const vault = uniqueVaultName("certok");
    const { tenantId, kv } = await setupVault(vault);
    expect((await kv.json("PUT", "/secrets/db", { value: "by certificate" })).status).toBe(200);
    const rsa = await makeCertificate("RSA");
    const sp = await clientWith(tenantId, rsa);
    expect((await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName: "Key Vault Secrets User", principalId: sp.id })).status).toBe(201);

    const pss = await assertion(rsa, sp.appId, tenantId);
    const answer = await exchange(tenantId, sp.appId, pss);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(jwtParts(answer.body.access_token as string).payload).toMatchObject({ oid: sp.id, appid: sp.appId });
    const read = await vaultClient(vault, answer.body.access_token as string).json<{ value: string }>("GET", "/secrets/db");
    expect(read.body.value).toBe("by certificate");
    expectRefused(await exchange(tenantId, sp.appId, pss), "replayed");

    expect((await exchange(tenantId, sp.appId, await assertion(rsa, sp.appId, tenantId, { alg: "RS256", header: { x5t: rsa.x5t } }))).status).toBe(200);
    const ec = await makeCertificate("EC");
    expect((await admin("POST", certificatesOf(tenantId, sp.id), { key: writePem([ec.der]) })).status).toBe(201);
    expect((await exchange(tenantId, sp.appId, await assertion(ec, sp.appId, tenantId))).status).toBe(200);
  });

  it("refuses every bad assertion with the same invalid_client", async () => {
    const vault = uniqueVaultName("certrefuse");
    const { tenantId } = await setupVault(vault);
    const cert = await makeCertificate();
    const sp = await clientWith(tenantId, cert);
    const otherCert = await makeCertificate();
    const otherSp = await clientWith(tenantId, otherCert);
    const expired = await makeCertificate("EC", new Date(Date.now() - 10 * DAY_MS), new Date(Date.now() - DAY_MS));
    const future = await makeCertificate("EC", new Date(Date.now() + DAY_MS), new Date(Date.now() + 10 * DAY_MS));
    for (const c of [expired, future]) expect((await admin("POST", certificatesOf(tenantId, sp.id), { key: bytesToBase64(c.der) })).status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    const good = await assertion(cert, sp.appId, tenantId);
    const [, payload] = good.split(".");
    const cases: Record<string, () => Promise<string>> = {
      "addressed to another tenant's endpoint": () => assertion(cert, sp.appId, tenantId, { claims: { aud: tokenEndpoint(crypto.randomUUID()) } }),
      "addressed to the vault": () => assertion(cert, sp.appId, tenantId, { claims: { aud: "https://vault.localhost:8443" } }),
      expired: () => assertion(cert, sp.appId, tenantId, { claims: { nbf: now - 900, exp: now - 120 } }),
      "not yet valid": () => assertion(cert, sp.appId, tenantId, { claims: { nbf: now + 300 } }),
      "no exp": () => assertion(cert, sp.appId, tenantId, { claims: { exp: undefined } }),
      "no jti": () => assertion(cert, sp.appId, tenantId, { claims: { jti: undefined } }),
      "no thumbprint": () => assertion(cert, sp.appId, tenantId, { header: {} }),
      "unknown thumbprint": () => assertion(cert, sp.appId, tenantId, { header: { "x5t#S256": otherCert.x5tS256 } }),
      "another client's certificate": () => assertion(otherCert, sp.appId, tenantId),
      "naming the certificate, signed by another key": () => assertion(cert, sp.appId, tenantId, { key: otherCert.privateJwk }),
      "certificate expired": () => assertion(expired, sp.appId, tenantId),
      "certificate not yet valid": () => assertion(future, sp.appId, tenantId),
      "alg none": async () => `${base64UrlJson({ alg: "none", "x5t#S256": cert.x5tS256 })}.${payload}.`,
      "alg HS256": async () => `${base64UrlJson({ alg: "HS256", "x5t#S256": cert.x5tS256 })}.${payload}.${good.split(".")[2]}`,
    };
    for (const [name, make] of Object.entries(cases)) expectRefused(await exchange(tenantId, sp.appId, await make()), name);
    expectRefused(await exchange(tenantId, otherSp.appId, await assertion(cert, otherSp.appId, tenantId)), "the client does not hold that certificate");
    // Still good after all that; refused once its certificate is deleted.
    expect((await exchange(tenantId, sp.appId, good)).status).toBe(200);
    const keyId = ((await readJson<{ value: { keyId: string }[] }>(await admin("GET", certificatesOf(tenantId, sp.id)))).body.value[0] as { keyId: string }).keyId;
    expect((await admin("DELETE", `${certificatesOf(tenantId, sp.id)}/${keyId}`)).status).toBe(204);
    expectRefused(await exchange(tenantId, sp.appId, await assertion(cert, sp.appId, tenantId)), "certificate deleted");
  });
});
