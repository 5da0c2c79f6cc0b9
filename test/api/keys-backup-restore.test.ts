/**
 * Key backup and restore (keys.json BackupKey, RestoreKey): all versions and ids come back after a
 * purge, the restored material still works, and a blob is restorable only within its tenant
 * (Azure: same subscription).
 */
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { addVault } from "../support/secrets.ts";
import { uniqueVaultName } from "../support/fixture.ts";
import {
  EC_P256_JWK,
  OCT_KEYS,
  b64u,
  createKey,
  digestOf,
  expectKvError,
  expectOk,
  flipped,
  fromB64u,
  guard,
  importKey,
  keyOp,
  keyVault,
  sharedKeyVault,
  octJwk,
  publicOf,
  sign,
  utf8,
  verify,
  versionOfKid,
  type GuardedClient,
  type KeyBundle,
  type KeyListResult,
  SLOW_KEYS,
} from "../support/key-api.ts";
import { toHex } from "../support/bytes.ts";

failOnlyOnTrulyUnhandledRejections();

/** One empty vault for the file; each test makes its own keys (isolatedStorage undoes them after it). */
const shared = sharedKeyVault("br");

async function backup(kv: GuardedClient, name: string): Promise<string> {
  const res = expectOk(await kv.json<{ value: string }>("POST", `/keys/${name}/backup`));
  expect(Object.keys(res)).toEqual(["value"]);
  fromB64u(res.value);
  return res.value;
}

async function deleteAndPurge(kv: GuardedClient, name: string): Promise<void> {
  expectOk(await kv.json("DELETE", `/keys/${name}`));
  expect((await kv.request("DELETE", `/deletedkeys/${name}`)).status).toBe(204);
  expectKvError(await kv.json("GET", `/keys/${name}`), 404, "KeyNotFound");
}

async function versionKids(kv: GuardedClient, name: string): Promise<string[]> {
  return expectOk(await kv.json<KeyListResult>("GET", `/keys/${name}/versions`)).value.map((i) => i.kid).sort();
}

describe("backup and restore after purge", SLOW_KEYS, () => {
  it("restores every version with the same kids and attributes; sign before backup, verify after restore", async () => {
    const { kv } = shared();
    const v1 = await importKey(kv, "k", EC_P256_JWK, { tags: { gen: "1" } });
    const v2 = await createKey(kv, "k", { kty: "EC", crv: "P-256", key_ops: ["sign", "verify"], tags: { gen: "2" } });
    const v1Updated = expectOk(await kv.json<KeyBundle>("PATCH", `/keys/k/${versionOfKid(v1.key.kid)}`, { attributes: { enabled: true }, tags: { gen: "1b" } }));
    const kidsBefore = await versionKids(kv, "k");
    const message = utf8("signed before the backup");
    const digest = await digestOf("SHA-256", message);
    const sigV1 = await sign(kv, "k", "ES256", digest, versionOfKid(v1.key.kid));
    const sigV2 = await sign(kv, "k", "ES256", digest);

    const blob = await backup(kv, "k");
    // The blob is sealed: the private scalar appears in it neither as text nor as bytes.
    expect(blob).not.toContain(EC_P256_JWK.d);
    expect(toHex(fromB64u(blob))).not.toContain(toHex(fromB64u(EC_P256_JWK.d)));

    await deleteAndPurge(kv, "k");
    const restored = expectOk(await kv.json<KeyBundle>("POST", "/keys/restore", { value: blob }));
    expect(restored).toEqual(v2);
    expect(await versionKids(kv, "k")).toEqual(kidsBefore);
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/k/${versionOfKid(v1.key.kid)}`))).toEqual(v1Updated);

    expect(await verify(kv, "k", "ES256", digest, sigV1, versionOfKid(v1.key.kid))).toBe(true);
    expect(await verify(kv, "k", "ES256", digest, sigV2)).toBe(true);
    expect(await verify(kv, "k", "ES256", digest, flipped(sigV2))).toBe(false);
    // New signatures from the restored key verify with the public key published before the backup.
    const after = await sign(kv, "k", "ES256", digest, versionOfKid(v1.key.kid));
    const pub = await crypto.subtle.importKey("jwk", publicOf(v1.key), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, after, message)).toBe(true);
  });

  it("a symmetric key restored decrypts what it encrypted before", async () => {
    const { kv } = shared();
    await importKey(kv, "aes", octJwk(OCT_KEYS[256]));
    const sealed = expectOk(await keyOp(kv, "aes", "encrypt", { alg: "A256GCM", value: b64u(utf8("kept across backup")) }));
    const blob = await backup(kv, "aes");
    await deleteAndPurge(kv, "aes");
    expectOk(await kv.json("POST", "/keys/restore", { value: blob }));
    const opened = expectOk(await keyOp(kv, "aes", "decrypt", { alg: "A256GCM", value: sealed.value, iv: sealed.iv, tag: sealed.tag }));
    expect(fromB64u(opened.value)).toEqual(utf8("kept across backup"));
  });

  it("restores into another vault of the same tenant, with the same kid path", async () => {
    const { tenantId, kv } = shared();
    const created = await createKey(kv, "moved", { kty: "EC", crv: "P-384" });
    const blob = await backup(kv, "moved");
    const otherVault = uniqueVaultName("brsame2");
    const other = await addVault(tenantId, otherVault);
    const kv2 = guard(other.kv, other.token);
    const restored = expectOk(await kv2.json<KeyBundle>("POST", "/keys/restore", { value: blob }));
    expect(restored.key.kid).toBe(created.key.kid.replace(new URL(created.key.kid).host, `${otherVault}.vault.localhost:8443`));
    expect(restored.key.x).toBe(created.key.x);
    const digest = await digestOf("SHA-384", utf8("in the other vault"));
    expect(await verify(kv, "moved", "ES384", digest, await sign(kv2, "moved", "ES384", digest))).toBe(true);
  });
});

describe("refused restores", SLOW_KEYS, () => {
  it("into another tenant's vault -> 400 and nothing is stored", async () => {
    const { kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    const blob = await backup(kv, "k");
    const foreign = await keyVault("brtenant2");
    expectKvError(await foreign.kv.json("POST", "/keys/restore", { value: blob }), 400, "Malformed backup blob");
    expectKvError(await foreign.kv.json("GET", "/keys/k"), 404, "KeyNotFound");
    expect(expectOk(await foreign.kv.json<KeyListResult>("GET", "/keys")).value).toEqual([]);
  });

  it("over a live key -> 409 Conflict; over a soft-deleted one -> 409 ObjectIsDeletedButRecoverable", async () => {
    const { kv } = shared();
    const created = await createKey(kv, "k", { kty: "EC" });
    const blob = await backup(kv, "k");
    expectKvError(await kv.json("POST", "/keys/restore", { value: blob }), 409, "Conflict");
    expect(await versionKids(kv, "k")).toEqual([created.key.kid]);
    expectOk(await kv.json("DELETE", "/keys/k"));
    expectKvError(await kv.json("POST", "/keys/restore", { value: blob }), 409, "Conflict", "ObjectIsDeletedButRecoverable");
  });

  it("a tampered, truncated or made-up blob -> 400 Malformed backup blob; none -> 400 BadParameter", async () => {
    const { kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    const blob = await backup(kv, "k");
    await deleteAndPurge(kv, "k");
    const bytes = fromB64u(blob);
    for (const value of [b64u(flipped(bytes)), b64u(bytes.slice(0, bytes.length - 1)), b64u(utf8("not a backup"))]) {
      expectKvError(await kv.json("POST", "/keys/restore", { value }), 400, "Malformed backup blob");
    }
    expectKvError(await kv.json("POST", "/keys/restore", { value: "" }), 400, "BadParameter");
    expectKvError(await kv.json("POST", "/keys/restore", { value: "!!!" }), 400, "BadParameter");
    expectKvError(await kv.json("POST", "/keys/restore", {}), 400, "BadParameter");
    expectKvError(await kv.json("POST", "/keys/restore", { value: 42 }), 400, "BadParameter");
    expect(expectOk(await kv.json<KeyListResult>("GET", "/keys")).value).toEqual([]);
    // The real blob still restores.
    expectOk(await kv.json("POST", "/keys/restore", { value: blob }));
  });

  it("backup of an unknown key -> 404 KeyNotFound", async () => {
    const { kv } = shared();
    expectKvError(await kv.json("POST", "/keys/none/backup"), 404, "KeyNotFound");
  });
});
