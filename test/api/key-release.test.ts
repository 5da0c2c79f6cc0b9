/**
 * Secure key release end to end over raw HTTP (keys.json `release`; docs/key-release.md): an exportable key with a
 * release policy, a token of the local attestation authority for a simulated confidential VM, and a release the
 * workload opens with nothing but its own private key — checked to be the vault's key by what the key does.
 */
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { SLOW_KEYS, digestOf, expectKvError, expectOk, fromB64u, keyOp, utf8, b64u, type KeyBundle } from "../support/key-api.ts";
import { attest, exportableKey, openRelease, release, releasePolicy, releaseVault, workload, type OaepHash } from "../support/key-release.ts";

failOnlyOnTrulyUnhandledRejections();

type PolicyBundle = KeyBundle & { release_policy?: { contentType: string; immutable: boolean; data: string } };

const versionOf = (kid: string): string => kid.split("/").pop() as string;

describe("secure key release", () => {
  it.each([
    ["CKM_RSA_AES_KEY_WRAP", "SHA-1"],
    ["RSA_AES_KEY_WRAP_256", "SHA-256"],
    ["RSA_AES_KEY_WRAP_384", "SHA-384"],
  ] as const)("releases an RSA key wrapped with %s, which the workload unwraps and which decrypts what the vault encrypted", async (enc, hash: OaepHash) => {
    const { kv } = await releaseVault("skr-rsa");
    const key = await exportableKey(kv, "exportable", { key_ops: ["encrypt", "decrypt"] });
    expect(key.attributes.exportable).toBe(true);
    const w = await workload(hash);
    const response = await release(kv, "exportable", versionOf(key.key.kid), { target: await attest(w, { nonce: "n-1" }), enc, nonce: "n-1" });
    const value = expectOk(response, "release").value as string;
    const opened = await openRelease(value, w);
    expect(opened.header).toMatchObject({ alg: "ES256", "x5t#S256": expect.any(String) });
    expect(opened.payload.request).toEqual({ "api-version": "2025-07-01", enc, kid: key.key.kid, nonce: "n-1" });
    expect(opened.payload.response.key.key).toMatchObject({ kid: key.key.kid, kty: "RSA", n: key.key.n, e: key.key.e });
    expect(opened.payload.response.key.attributes.exportable).toBe(true);
    expect(opened.blob).toMatchObject({ schema_version: "1.0.0", header: { kid: "TpmEphemeralEncryptionKey", alg: "dir", enc } });
    // The released PKCS#8 is the vault's key: it decrypts what the vault encrypted with it.
    const released = await crypto.subtle.importKey("pkcs8", opened.keyBytes, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
    const encrypted = expectOk(await keyOp(kv, "exportable", "encrypt", { alg: "RSA-OAEP-256", value: b64u(utf8("the vault's secret")) }));
    const plain = await crypto.subtle.decrypt({ name: "RSA-OAEP" }, released, fromB64u(encrypted.value));
    expect(new TextDecoder().decode(plain)).toBe("the vault's secret");
  }, SLOW_KEYS.timeout);

  it("releases an EC key (the latest version, no version in the path) whose signature the vault verifies", async () => {
    const { kv } = await releaseVault("skr-ec");
    const key = await exportableKey(kv, "ec", { kty: "EC", crv: "P-256", key_size: undefined, key_ops: ["sign", "verify"] });
    const w = await workload();
    const response = await kv.json<{ value: string }>("POST", "/keys/ec/release", { target: await attest(w) });
    const opened = await openRelease(expectOk(response, "release").value, w);
    expect(opened.payload.request).toEqual({ "api-version": "2025-07-01", enc: "CKM_RSA_AES_KEY_WRAP", kid: key.key.kid });
    const signer = await crypto.subtle.importKey("pkcs8", opened.keyBytes, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    const data = utf8("signed by the released key");
    const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer, data));
    const verified = expectOk(await keyOp(kv, "ec", "verify", { alg: "ES256", digest: b64u(await digestOf("SHA-256", data)), value: b64u(signature) }));
    expect(verified).toEqual({ value: true });
  }, SLOW_KEYS.timeout);

  it("answers the policy as set on get, versions, backup/restore and update, and keeps it through rotation", async () => {
    const { kv } = await releaseVault("skr-shape");
    const policy = releasePolicy(undefined, { immutable: false });
    const created = (await exportableKey(kv, "k", {}, policy)) as PolicyBundle;
    expect(created.release_policy).toEqual({ contentType: "application/json; charset=utf-8", immutable: false, data: policy.data });
    const got = expectOk(await kv.json<PolicyBundle>("GET", "/keys/k"));
    expect(got.release_policy).toEqual(created.release_policy);
    expect(got.attributes).toMatchObject({ exportable: true });
    const items = expectOk(await kv.json<{ value: Record<string, unknown>[] }>("GET", "/keys/k/versions"));
    expect(items.value[0]).not.toHaveProperty("release_policy");
    expect((items.value[0]?.attributes as Record<string, unknown>).exportable).toBe(true);
    // Older api-versions never show release_policy (stable/7.2 has none); the first api-version in a query counts.
    const old = (await (await kv.request("GET", "/keys/k?api-version=7.2")).json()) as PolicyBundle;
    expect(old.key.kid).toBe(created.key.kid);
    expect(old).not.toHaveProperty("release_policy");

    const newer = releasePolicy([{ claim: "x-ms-isolation-tee.x-ms-sevsnpvm-is-debuggable", equals: false }], { immutable: true });
    const updated = expectOk(await kv.json<PolicyBundle>("PATCH", `/keys/k/${versionOf(created.key.kid)}`, { release_policy: newer }));
    expect(updated.release_policy).toEqual({ ...newer, immutable: true });
    const rotated = expectOk(await kv.json<PolicyBundle>("POST", "/keys/k/rotate"));
    expect(rotated.attributes.exportable).toBe(true);
    expect(rotated.release_policy).toEqual(updated.release_policy);

    const backup = expectOk(await kv.json<{ value: string }>("POST", "/keys/k/backup"));
    expect((await kv.json("DELETE", "/keys/k")).status).toBe(200);
    expect((await kv.json("DELETE", "/deletedkeys/k")).status).toBe(204);
    const restored = expectOk(await kv.json<PolicyBundle>("POST", "/keys/restore", { value: backup.value }));
    expect(restored.release_policy).toEqual(rotated.release_policy);
    expect(restored.attributes.exportable).toBe(true);
  }, SLOW_KEYS.timeout);

  it("refuses to change an immutable policy, and to make an exportable key non-exportable", async () => {
    const { kv } = await releaseVault("skr-immutable");
    const policy = releasePolicy(undefined, { immutable: true });
    const key = await exportableKey(kv, "k", {}, policy);
    const version = versionOf(key.key.kid);
    const changed = await kv.json("PATCH", `/keys/k/${version}`, { release_policy: releasePolicy([{ claim: "sdk-test", equals: true }], { immutable: true }) });
    expect(expectKvError(changed, 400, "BadParameter").message).toMatch(/immutable/);
    const loosened = await kv.json("PATCH", `/keys/k/${version}`, { release_policy: { ...policy, immutable: false } });
    expectKvError(loosened, 400, "BadParameter");
    expectKvError(await kv.json("PATCH", `/keys/k/${version}`, { attributes: { exportable: false } }), 400, "BadParameter");
    // The same policy again changes nothing and is accepted (a client round-tripping its properties).
    expect((await kv.json<PolicyBundle>("PATCH", `/keys/k/${version}`, { release_policy: policy, attributes: { exportable: true } })).status).toBe(200);
    expect(expectOk(await kv.json<PolicyBundle>("GET", `/keys/k/${version}`)).release_policy?.data).toBe(policy.data);
  }, SLOW_KEYS.timeout);

  it("records every release as KeyRelease; a refusal's record says which check failed, its answer does not", async () => {
    const { kv } = await releaseVault("skr-audit");
    const key = await exportableKey(kv, "k");
    const w = await workload();
    expectOk(await release(kv, "k", versionOf(key.key.kid), { target: await attest(w) }));
    const refused = await release(kv, "k", versionOf(key.key.kid), { target: await attest(w, { claims: { "x-ms-isolation-tee": {} } }) });
    expect(JSON.stringify(expectKvError(refused, 403, "Forbidden"))).not.toMatch(/x-ms-attestation-type/);
    type Record = { operationName: string; resultCode: string; httpStatusCode: number; resultDescription?: string };
    const log = expectOk(await kv.json<{ value: Record[] }>("GET", "/auditlog"));
    const releases = log.value.filter((r) => r.operationName === "KeyRelease");
    expect(releases.map((r) => [r.httpStatusCode, r.resultCode])).toEqual([
      [200, "Success"],
      [403, "Forbidden"],
    ]);
    expect(releases[0]).not.toHaveProperty("resultDescription");
    expect(releases[1]?.resultDescription).toMatch(/^key release refused: .*x-ms-isolation-tee\.x-ms-attestation-type/);
  }, SLOW_KEYS.timeout);
});
