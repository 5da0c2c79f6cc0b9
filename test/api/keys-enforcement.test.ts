/**
 * What the service itself enforces on cryptographic operations, over raw HTTP (docs/client-contract.md §5:
 * the JS CryptographyClient checks key_ops, enabled and exp locally, so the server must too):
 * key_ops (403 Forbidden / KeyOperationForbidden), enabled (KeyDisabled), and the nbf/exp window
 * (KeyNotYetValid / KeyExpired) — except decrypt, unwrapKey and verify, which stay allowed outside
 * the window (includes/key-attributes.md). The window is also checked with a moved vault clock.
 */
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { setVaultClock } from "../support/secrets.ts";
import {
  RSA_2048_JWK,
  b64u,
  createKey,
  digestOf,
  expectKvError,
  expectOk,
  fromB64u,
  importKey,
  keyOp,
  sharedKeyVault,
  nowSeconds,
  utf8,
  versionOfKid,
  type GuardedClient,
  type KeyBundle,
  SLOW_KEYS,
} from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

/** One empty vault for the file; each test imports or creates its own keys. */
const shared = sharedKeyVault("en");

const RSA_PUBLIC_PEM = String(
  createPublicKey({ key: { kty: "RSA", n: RSA_2048_JWK.n as string, e: RSA_2048_JWK.e as string }, format: "jwk" }).export({ type: "spki", format: "pem" }),
);

/** Material made outside the vault with the known RSA key, so decrypt/unwrap/verify need no vault op first. */
async function externalMaterial() {
  const message = utf8("signed outside the vault");
  const digest = await digestOf("SHA-256", message);
  const signingKey = await crypto.subtle.importKey("jwk", RSA_2048_JWK, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", signingKey, message));
  const plaintext = utf8("encrypted outside the vault");
  const ciphertext = new Uint8Array(publicEncrypt({ key: RSA_PUBLIC_PEM, padding: constants.RSA_PKCS1_PADDING }, plaintext));
  return { digest, signature, plaintext, ciphertext };
}

type Material = Awaited<ReturnType<typeof externalMaterial>>;

/** One request per operation on an RSA key; the answers keyed by the key_ops name. */
async function everyOperation(kv: GuardedClient, name: string, m: Material, version = "") {
  const call = (op: string, body: Record<string, unknown>) => keyOp(kv, name, op, body, version);
  return {
    sign: await call("sign", { alg: "RS256", value: b64u(m.digest) }),
    verify: await call("verify", { alg: "RS256", digest: b64u(m.digest), value: b64u(m.signature) }),
    encrypt: await call("encrypt", { alg: "RSA-OAEP", value: b64u(m.plaintext) }),
    decrypt: await call("decrypt", { alg: "RSA1_5", value: b64u(m.ciphertext) }),
    wrapKey: await call("wrapkey", { alg: "RSA-OAEP-256", value: b64u(new Uint8Array(32).fill(4)) }),
    unwrapKey: await call("unwrapkey", { alg: "RSA1_5", value: b64u(m.ciphertext) }),
  };
}

function expectWorked(results: Awaited<ReturnType<typeof everyOperation>>, ops: readonly (keyof typeof results)[], m: Material): void {
  for (const op of ops) {
    const res = results[op];
    expect(res.status, `${op}: ${JSON.stringify(res.body)}`).toBe(200);
    if (op === "verify") expect((res.body as unknown as { value: boolean }).value).toBe(true);
    if (op === "decrypt" || op === "unwrapKey") expect(fromB64u(res.body.value)).toEqual(m.plaintext);
  }
}

describe("key_ops", SLOW_KEYS, () => {
  it("a key with key_ops [\"sign\"]: encrypt -> 403 Forbidden/KeyOperationForbidden, and so is every other op but sign", async () => {
    const { kv } = shared();
    await importKey(kv, "signer", { ...RSA_2048_JWK, key_ops: ["sign"] });
    const m = await externalMaterial();
    const results = await everyOperation(kv, "signer", m);
    expectWorked(results, ["sign"], m);
    const error = expectKvError(results.encrypt, 403, "Forbidden", "KeyOperationForbidden");
    expect(error.message).toMatch(/encrypt/);
    for (const op of ["verify", "decrypt", "wrapKey", "unwrapKey"] as const) expectKvError(results[op], 403, "Forbidden", "KeyOperationForbidden");
  });

  it("key_ops changed by PATCH take effect at once", async () => {
    const { kv } = shared();
    const imported = await importKey(kv, "k", RSA_2048_JWK);
    const m = await externalMaterial();
    expectOk(await kv.json<KeyBundle>("PATCH", `/keys/k/${versionOfKid(imported.key.kid)}`, { key_ops: ["decrypt", "verify"] }));
    const results = await everyOperation(kv, "k", m);
    expectWorked(results, ["decrypt", "verify"], m);
    for (const op of ["sign", "encrypt", "wrapKey", "unwrapKey"] as const) expectKvError(results[op], 403, "Forbidden", "KeyOperationForbidden");
  });
});

describe("enabled", SLOW_KEYS, () => {
  it("a disabled key refuses every crypto op with 403 Forbidden/KeyDisabled, but GET still answers 200", async () => {
    const { kv } = shared();
    await importKey(kv, "off", RSA_2048_JWK, { attributes: { enabled: false } });
    await createKey(kv, "octoff", { kty: "oct", key_size: 256, attributes: { enabled: false } });
    const m = await externalMaterial();
    const results = await everyOperation(kv, "off", m);
    for (const [op, res] of Object.entries(results)) {
      const error = expectKvError(res, 403, "Forbidden", "KeyDisabled");
      expect(error.message, op).toMatch(/disabled/i);
    }
    expectKvError(await keyOp(kv, "octoff", "encrypt", { alg: "A256GCM", value: b64u(utf8("x")) }), 403, "Forbidden", "KeyDisabled");
    expectKvError(await keyOp(kv, "octoff", "wrapkey", { alg: "A256KW", value: b64u(new Uint8Array(16)) }), 403, "Forbidden", "KeyDisabled");
    const got = expectOk(await kv.json<KeyBundle>("GET", "/keys/off"));
    expect(got.attributes.enabled).toBe(false);
    expect(got.key.n).toBe(RSA_2048_JWK.n);

    // Enabled again, everything works.
    expectOk(await kv.json("PATCH", "/keys/off/", { attributes: { enabled: true } }));
    expectWorked(await everyOperation(kv, "off", m), ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"], m);
  });

  it("disabling one version leaves the others usable", async () => {
    const { kv } = shared();
    const v1 = await importKey(kv, "k", RSA_2048_JWK);
    await importKey(kv, "k", RSA_2048_JWK);
    expectOk(await kv.json("PATCH", `/keys/k/${versionOfKid(v1.key.kid)}`, { attributes: { enabled: false } }));
    const m = await externalMaterial();
    expectKvError(await keyOp(kv, "k", "sign", { alg: "RS256", value: b64u(m.digest) }, versionOfKid(v1.key.kid)), 403, "Forbidden", "KeyDisabled");
    expect((await keyOp(kv, "k", "sign", { alg: "RS256", value: b64u(m.digest) })).status).toBe(200);
  });
});

describe("validity window (nbf / exp)", SLOW_KEYS, () => {
  it("nbf in the future: sign/encrypt/wrapKey -> 403 KeyNotYetValid; verify/decrypt/unwrapKey still work", async () => {
    const { kv } = shared();
    await importKey(kv, "early", RSA_2048_JWK, { attributes: { nbf: nowSeconds() + 3600 } });
    const m = await externalMaterial();
    const results = await everyOperation(kv, "early", m);
    for (const op of ["sign", "encrypt", "wrapKey"] as const) expectKvError(results[op], 403, "Forbidden", "KeyNotYetValid");
    expectWorked(results, ["verify", "decrypt", "unwrapKey"], m);
  });

  it("exp in the past: sign/encrypt/wrapKey -> 403 KeyExpired; verify/decrypt/unwrapKey still work", async () => {
    const { kv } = shared();
    await importKey(kv, "late", RSA_2048_JWK, { attributes: { exp: nowSeconds() - 3600 } });
    const m = await externalMaterial();
    const results = await everyOperation(kv, "late", m);
    for (const op of ["sign", "encrypt", "wrapKey"] as const) expectKvError(results[op], 403, "Forbidden", "KeyExpired");
    expectWorked(results, ["verify", "decrypt", "unwrapKey"], m);
  });

  it("with a moved vault clock: a key with exp = T signs before T and refuses sign after T (verify still works)", async () => {
    const { vault, kv } = shared();
    const T = nowSeconds() + 30 * 86_400;
    const created = await createKey(kv, "k", { kty: "EC", crv: "P-256", attributes: { exp: T } });
    expect(created.attributes.exp).toBe(T);
    const digest = await digestOf("SHA-256", utf8("clock"));

    await setVaultClock(vault, (T - 60) * 1000);
    const before = expectOk(await keyOp(kv, "k", "sign", { alg: "ES256", value: b64u(digest) }), "before T");

    await setVaultClock(vault, (T + 60) * 1000);
    expectKvError(await keyOp(kv, "k", "sign", { alg: "ES256", value: b64u(digest) }), 403, "Forbidden", "KeyExpired");
    const verified = await kv.json<{ value: boolean }>("POST", "/keys/k/verify", { alg: "ES256", digest: b64u(digest), value: before.value });
    expect(expectOk(verified).value).toBe(true);

    // Moving the clock back makes it usable again: the window is evaluated per request.
    await setVaultClock(vault, (T - 1) * 1000);
    expect((await keyOp(kv, "k", "sign", { alg: "ES256", value: b64u(digest) })).status).toBe(200);
  });

  it("with a moved vault clock: a key with nbf = T refuses encrypt before T and works after", async () => {
    const { vault, kv } = shared();
    const T = nowSeconds() + 7 * 86_400;
    await createKey(kv, "k", { kty: "oct", key_size: 128, attributes: { nbf: T } });
    const body = { alg: "A128GCM", value: b64u(utf8("later")) };
    expectKvError(await keyOp(kv, "k", "encrypt", body), 403, "Forbidden", "KeyNotYetValid");
    await setVaultClock(vault, (T - 60) * 1000);
    expectKvError(await keyOp(kv, "k", "encrypt", body), 403, "Forbidden", "KeyNotYetValid");
    await setVaultClock(vault, (T + 60) * 1000);
    expect(expectOk(await keyOp(kv, "k", "encrypt", body)).iv).toBeDefined();
  });
});
