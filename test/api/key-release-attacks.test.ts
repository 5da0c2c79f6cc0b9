/**
 * The attacks secure key release must refuse, each leaving nothing released (docs/key-release.md): unsigned and
 * forged tokens, tokens of authorities the policy does not name or the deployment does not trust, a `jku` pointing
 * elsewhere, expired tokens, claims failing the policy, replayed or unbound nonces, keys that are not exportable or
 * disabled, and callers without the release permission. Every token refusal is the same 403 and generic message.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { derivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { localAuthorityKey } from "../../core/crypto/release/local-authority-key.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { SLOW_KEYS, expectKvError, expectOk, memberWithRole, type GuardedClient } from "../support/key-api.ts";
import { setVaultClock, vaultObject } from "../support/secrets.ts";
import { CVM_CONDITIONS, LOCAL_AUTHORITY, attest, exportableKey, release, releasePolicy, releaseVault, workload, type Workload } from "../support/key-release.ts";

failOnlyOnTrulyUnhandledRejections();

const GENERIC = "The target's attestation could not be verified, or does not satisfy the key's release policy.";
const versionOf = (kid: string): string => kid.split("/").pop() as string;

/** Refused with Azure's 403 and the one generic message: nothing says which check failed, nothing is released. */
function expectRefused(response: { status: number; body: { value?: string } | null }): void {
  expect(expectKvError(response, 403, "Forbidden").message).toBe(GENERIC);
  expect(response.body).not.toHaveProperty("value");
}

/** Tokens shaped like the local authority's, for the forgeries only a test would make. */
async function craft(header: Record<string, unknown>, claims: Record<string, unknown>, signer: "authority" | "stranger" = "authority"): Promise<string> {
  const root = await RootKey.fromSecret(env.ROOT_KEY);
  const authority = await localAuthorityKey(root);
  const key = signer === "authority" ? authority.key : await derivedP256Key(root, "a-stranger");
  return compactJws({ kid: authority.jwk.kid, ...header }, { iss: LOCAL_AUTHORITY, iat: 0, exp: 4_000_000_000, ...claims }, key);
}

function cvmClaims(w: Workload): Record<string, unknown> {
  return {
    "x-ms-isolation-tee": { "x-ms-attestation-type": "sevsnpvm", "x-ms-compliance-status": "azure-compliant-cvm" },
    "x-ms-runtime": { keys: [w.runtimeJwk] },
  };
}

async function setup(prefix: string) {
  const s = await releaseVault(prefix);
  const key = await exportableKey(s.kv, "k");
  return { ...s, version: versionOf(key.key.kid), w: await workload() };
}

describe("secure key release refuses", () => {
  it("tokens that are not what they claim to be", async () => {
    const { kv, version, w } = await setup("skr-forged");
    // The genuine article first, so the refusals below are about the tokens alone.
    expect((await release(kv, "k", version, { target: await craft({}, cvmClaims(w)) })).status).toBe(200);
    const unsigned = `${bytesToBase64Url(utf8(JSON.stringify({ alg: "none" })))}.${bytesToBase64Url(utf8(JSON.stringify({ iss: LOCAL_AUTHORITY, exp: 4_000_000_000, ...cvmClaims(w) })))}.`;
    expectRefused(await release(kv, "k", version, { target: unsigned }));
    expectRefused(await release(kv, "k", version, { target: await craft({}, cvmClaims(w), "stranger") }));
    expectRefused(await release(kv, "k", version, { target: await craft({ jku: "https://evil.example/certs" }, cvmClaims(w)) }));
    expectRefused(await release(kv, "k", version, { target: await craft({ jku: `${LOCAL_AUTHORITY}.evil.example/certs` }, cvmClaims(w)) }));
    const genuine = await attest(w);
    const [h, , s] = genuine.split(".");
    const altered = bytesToBase64Url(utf8(JSON.stringify({ iss: LOCAL_AUTHORITY, exp: 4_000_000_000, ...cvmClaims(w), extra: true })));
    expectRefused(await release(kv, "k", version, { target: `${h}.${altered}.${s}` }));
    expectRefused(await release(kv, "k", version, { target: "not.a-token" }));
  }, SLOW_KEYS.timeout);

  it("tokens of an authority the policy does not name, or this deployment does not trust", async () => {
    const { kv, w } = await setup("skr-authority");
    const remote = releasePolicy(undefined);
    const elsewhere = { ...remote, data: bytesToBase64Url(utf8(JSON.stringify({ anyOf: [{ authority: "https://attest.example.net/", allOf: CVM_CONDITIONS }] }))) };
    const other = await exportableKey(kv, "remote", {}, elsewhere);
    // The local authority's genuine token, for a key whose policy names another authority.
    expectRefused(await release(kv, "remote", versionOf(other.key.kid), { target: await attest(w) }));
    // A token naming that authority: not in ATTESTATION_AUTHORITIES, so not believed and its keys never fetched.
    expectRefused(await release(kv, "remote", versionOf(other.key.kid), { target: await craft({}, { ...cvmClaims(w), iss: "https://attest.example.net" }) }));
  }, SLOW_KEYS.timeout);

  it("expired tokens, by the vault's clock", async () => {
    const { kv, vault, version, w } = await setup("skr-expired");
    const target = await attest(w, { lifetimeSeconds: 60 });
    await setVaultClock(vault, Date.now() + 60 * 60 * 1000);
    expectRefused(await release(kv, "k", version, { target }));
  }, SLOW_KEYS.timeout);

  it("claims that fail the policy, and tokens without a workload key to wrap to", async () => {
    const { kv, version, w } = await setup("skr-claims");
    expectRefused(await release(kv, "k", version, { target: await attest(w, { claims: { "x-ms-isolation-tee": { "x-ms-attestation-type": "sevsnpvm" } } }) }));
    expectRefused(await release(kv, "k", version, { target: await attest(w, { tee: "SgxEnclave" }) }));
    const noKey = { ...w, runtimeJwk: { ...w.runtimeJwk, key_ops: ["verify"] } };
    expectRefused(await release(kv, "k", version, { target: await attest(noKey) }));
  }, SLOW_KEYS.timeout);

  it("a replayed nonce, a missing one and another one, where the policy binds it", async () => {
    const { kv, vault, w } = await setup("skr-nonce");
    const bound = releasePolicy([...CVM_CONDITIONS, { claim: "x-ms-runtime.client-payload.nonce", exists: true }]);
    const key = await exportableKey(kv, "bound", {}, bound);
    const version = versionOf(key.key.kid);
    const target = await attest(w, { nonce: "fresh-1" });
    expectRefused(await release(kv, "bound", version, { target }));
    expectRefused(await release(kv, "bound", version, { target, nonce: "fresh-2" }));
    expect((await release(kv, "bound", version, { target, nonce: "fresh-1" })).status).toBe(200);
    expectRefused(await release(kv, "bound", version, { target, nonce: "fresh-1" }));
    // Spent nonces are stored, not remembered: a restarted vault object still refuses the replay.
    await expect(runInDurableObject(vaultObject(vault), (_instance, state) => state.abort("restart: spent nonces must survive"))).rejects.toThrow();
    expectRefused(await release(kv, "bound", version, { target, nonce: "fresh-1" }));
    expectRefused(await release(kv, "bound", version, { target: await attest(w, { nonce: "fresh-1" }), nonce: "fresh-1" }));
    // A policy that does not bind the nonce only echoes it, as Azure does: the same nonce twice is fine.
    const free = await exportableKey(kv, "free");
    for (let i = 0; i < 2; i++) expect((await release(kv, "free", versionOf(free.key.kid), { target, nonce: "fresh-1" })).status).toBe(200);
  }, SLOW_KEYS.timeout);

  it("keys that are not exportable, or disabled", async () => {
    const { kv, version, w } = await setup("skr-not-exportable");
    const plain = expectOk(await kv.json<{ key: { kid: string } }>("POST", "/keys/plain/create", { kty: "RSA", key_size: 2048 }));
    const target = await attest(w);
    const refused = await release(kv, "plain", versionOf(plain.key.kid), { target });
    expect(expectKvError(refused, 400, "BadParameter").message).toMatch(/not exportable/);
    expect(refused.body).not.toHaveProperty("value");
    expectOk(await kv.json("PATCH", `/keys/k/${version}`, { attributes: { enabled: false } }));
    expectKvError(await release(kv, "k", version, { target }), 403, "Forbidden", "KeyDisabled");
    expectKvError(await release(kv, "missing", "", { target }), 404, "KeyNotFound");
  }, SLOW_KEYS.timeout);

  it("callers without keys/release/action; the Release User may release and nothing more", async () => {
    const { kv, tenantId, vault, version, w } = await setup("skr-rbac");
    const target = await attest(w);
    const asRole = (role: string): Promise<GuardedClient> => memberWithRole(tenantId, vault, role);
    for (const role of ["Key Vault Crypto User", "Key Vault Reader", "Key Vault Crypto Service Encryption User"]) {
      expectKvError(await release(await asRole(role), "k", version, { target }), 403, "Forbidden", "ForbiddenByRbac");
    }
    const releaser = await asRole("Key Vault Crypto Service Release User");
    expect((await release(releaser, "k", version, { target })).status).toBe(200);
    expectKvError(await releaser.json("GET", `/keys/k/${version}`), 403, "Forbidden", "ForbiddenByRbac");
    expect((await release(await asRole("Key Vault Crypto Officer"), "k", version, { target })).status).toBe(200);
    expect(kv.token).not.toBe(releaser.token);
  }, SLOW_KEYS.timeout);
});
