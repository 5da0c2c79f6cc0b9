/**
 * Trust in attestation authorities is this deployment's configuration (docs/key-release.md, "Trust"): a listed
 * authority's keys are found through its OIDC discovery document and fetched by the vault object (here answered by
 * fetchMock, which intercepts the Durable Objects' outbound fetch); an unlisted one is never fetched nor believed;
 * the local authority is believed outside local development only when listed. The Worker's own fetch handler is
 * called with a changed env, as admin-event-subscriptions.test.ts does: the pool has one set of bindings.
 */
import { createExecutionContext, env, fetchMock, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { derivedP256Key, type DerivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { API_VERSION } from "../support/fixture.ts";
import { SLOW_KEYS, b64u, utf8, type KeyBundle } from "../support/key-api.ts";
import { CVM_CONDITIONS, LOCAL_AUTHORITY, attest, exportableKey, openRelease, releasePolicy, releaseVault, workload, type Workload } from "../support/key-release.ts";

failOnlyOnTrulyUnhandledRejections();

const REMOTE = "https://attest.example.net";
const DOWN = "https://down.example.net";
const versionOf = (kid: string): string => kid.split("/").pop() as string;

async function releaseWith(overrides: Partial<Env>, vault: string, token: string, path: string, body: unknown): Promise<{ status: number; body: { value?: string; error?: { code: string } } }> {
  const request = new Request(`https://${vault}.vault.localhost:8443${path}?api-version=${API_VERSION}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as { value?: string; error?: { code: string } } };
}

function remoteToken(key: DerivedP256Key, w: Workload, issuer = REMOTE, header: Record<string, unknown> = {}): string {
  const claims = {
    iss: issuer,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
    "x-ms-isolation-tee": { "x-ms-attestation-type": "sevsnpvm", "x-ms-compliance-status": "azure-compliant-cvm" },
    "x-ms-runtime": { keys: [w.runtimeJwk] },
  };
  return compactJws({ kid: "remote-1", typ: "JWT", ...header }, claims, key);
}

const remotePolicy = (authority: string) => ({ ...releasePolicy(), data: b64u(utf8(JSON.stringify({ anyOf: [{ authority: `${authority}/`, allOf: CVM_CONDITIONS }] }))) });

describe("attestation authorities outside this deployment", async () => {
  const remoteKey = await derivedP256Key(await RootKey.fromSecret(btoa("r".repeat(32))), "remote-authority");
  const fetched: string[] = [];

  beforeAll(() => {
    fetchMock.activate();
    fetchMock.disableNetConnect();
    const remote = fetchMock.get(REMOTE);
    remote
      .intercept({ path: "/.well-known/openid-configuration" })
      .reply(() => {
        fetched.push("discovery");
        return { statusCode: 200, data: JSON.stringify({ issuer: REMOTE, jwks_uri: `${REMOTE}/certs` }) };
      })
      .persist();
    remote
      .intercept({ path: "/certs" })
      .reply(() => {
        fetched.push("certs");
        return { statusCode: 200, data: JSON.stringify({ keys: [{ ...remoteKey.publicJwk, kid: "remote-1", alg: "ES256" }] }) };
      })
      .persist();
    fetchMock.get(DOWN).intercept({ path: "/.well-known/openid-configuration" }).reply(503, "unavailable").persist();
  });
  afterAll(() => fetchMock.deactivate());

  it("releases to a token of a listed authority, verified with the keys its discovery document names", async () => {
    const { kv, vault, token } = await releaseVault("skr-remote");
    const key = (await exportableKey(kv, "k", {}, remotePolicy(REMOTE))) as KeyBundle;
    const w = await workload();
    const listed = { ATTESTATION_AUTHORITIES: `${REMOTE}, ${DOWN}` };
    const path = `/keys/k/${versionOf(key.key.kid)}/release`;
    const granted = await releaseWith(listed, vault, token, path, { target: remoteToken(remoteKey, w) });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect((await openRelease(granted.body.value as string, w)).payload.response.key.key.kid).toBe(key.key.kid);
    expect(fetched).toEqual(["discovery", "certs"]);
    // Kept: a second release fetches nothing.
    expect((await releaseWith(listed, vault, token, path, { target: remoteToken(remoteKey, w) })).status).toBe(200);
    expect(fetched).toHaveLength(2);
    // A jku elsewhere is refused before any fetch; a forged token of the listed authority does not verify.
    expect((await releaseWith(listed, vault, token, path, { target: remoteToken(remoteKey, w, REMOTE, { jku: "https://evil.example/certs" }) })).status).toBe(403);
    const stranger = await derivedP256Key(await RootKey.fromSecret(btoa("s".repeat(32))), "stranger");
    expect((await releaseWith(listed, vault, token, path, { target: remoteToken(stranger, w) })).status).toBe(403);
    // Not listed: refused, whatever the token says.
    expect((await releaseWith({ ATTESTATION_AUTHORITIES: "" }, vault, token, path, { target: remoteToken(remoteKey, w) })).body.error?.code).toBe("Forbidden");
    // Listed but unreachable: refused, not a 500.
    const down = (await exportableKey(kv, "down", {}, remotePolicy(DOWN))) as KeyBundle;
    const unreachable = await releaseWith(listed, vault, token, `/keys/down/${versionOf(down.key.kid)}/release`, { target: remoteToken(remoteKey, w, DOWN) });
    expect(unreachable.status).toBe(403);
  }, SLOW_KEYS.timeout);

  it("believes the local authority outside local development only when it is listed", async () => {
    const { kv, vault, token } = await releaseVault("skr-local-trust");
    const key = (await exportableKey(kv, "k")) as KeyBundle;
    const w = await workload();
    const target = await attest(w);
    const path = `/keys/k/${versionOf(key.key.kid)}/release`;
    const deployed = { LOCAL_IMDS: "false", LOCAL_ATTESTATION: "true", ATTESTATION_AUTHORITIES: "" };
    expect((await releaseWith(deployed, vault, token, path, { target })).status).toBe(403);
    expect((await releaseWith({ ...deployed, ATTESTATION_AUTHORITIES: `${LOCAL_AUTHORITY}/` }, vault, token, path, { target })).status).toBe(200);
    // Listed but not served here (LOCAL_ATTESTATION off): not this deployment's authority, so not believed either.
    expect((await releaseWith({ ...deployed, LOCAL_ATTESTATION: "false", ATTESTATION_AUTHORITIES: LOCAL_AUTHORITY }, vault, token, path, { target })).status).toBe(403);
  }, SLOW_KEYS.timeout);
});
