/**
 * Bad input on the keys routes: an Azure-shaped 400 (BadParameter) and nothing stored; never a 5xx
 * (the guard in ../support/key-api.ts fails any 5xx, and the batch at the end throws odd requests at
 * every route).
 */
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  EC_P256_JWK,
  EC_P256_JWK_A2,
  EC_P521_JWK,
  OCT_KEYS,
  RSA_2048_JWK,
  b64u,
  expectKvError,
  expectOk,
  flipped,
  fromB64u,
  importKey,
  keyOp,
  sharedKeyVault,
  octJwk,
  type ErrorBody,
  type GuardedClient,
  type KeyListResult,
  SLOW_KEYS,
  SLOWEST_KEYS,
} from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

const HSM_REFUSAL = "Hardware key operation not allowed on standard vault.";

/** rsa, ec, oct (256-bit) and oct128, imported once; every test starts from exactly these. */
const BASELINE = ["ec", "oct", "oct128", "rsa"];
const shared = sharedKeyVault("bi", async ({ kv }) => {
  await importKey(kv, "rsa", RSA_2048_JWK);
  await importKey(kv, "ec", EC_P256_JWK);
  await importKey(kv, "oct", octJwk(OCT_KEYS[256]));
  await importKey(kv, "oct128", octJwk(OCT_KEYS[128]));
});

/** Nothing beyond the baseline keys, each still with its one version, and nothing deleted. */
async function expectNothingStored(kv: GuardedClient): Promise<void> {
  const names = expectOk(await kv.json<KeyListResult>("GET", "/keys")).value.map((i) => i.kid.split("/").pop());
  expect(names.sort()).toEqual(BASELINE);
  for (const name of BASELINE) expect(expectOk(await kv.json<KeyListResult>("GET", `/keys/${name}/versions`)).value, name).toHaveLength(1);
  expect(expectOk(await kv.json<KeyListResult>("GET", "/deletedkeys")).value).toEqual([]);
}

/** Replaces one character in the middle of a base64url member (same length, different value). */
function altered(member: string): string {
  return b64u(flipped(fromB64u(member), 1));
}

describe("create: refused parameters", SLOW_KEYS, () => {
  it("unknown kty, sizes, curves, exponents and key_ops -> 400 BadParameter, nothing stored", async () => {
    const { kv } = shared();
    const bodies: Record<string, unknown>[] = [
      {},
      { kty: "DSA" },
      { kty: "rsa" },
      { kty: 1 },
      { kty: "RSA", key_size: 1024 },
      { kty: "RSA", key_size: 2047 },
      { kty: "RSA", key_size: 8192 },
      { kty: "RSA", key_size: "2048" },
      { kty: "RSA", key_size: 2048.5 },
      { kty: "RSA", public_exponent: 5 },
      { kty: "RSA", public_exponent: 65536 },
      { kty: "RSA", public_exponent: 1 },
      { kty: "oct", key_size: 64 },
      { kty: "oct", key_size: 512 },
      { kty: "EC", crv: "P-999" },
      { kty: "EC", crv: "p-256" },
      { kty: "EC", key_size: 256 },
      { kty: "EC", public_exponent: 3 },
      { kty: "EC", key_ops: ["fly"] },
      { kty: "EC", key_ops: "sign" },
      { kty: "EC", tags: { a: 1 } },
      { kty: "EC", tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"])) },
      { kty: "EC", attributes: { enabled: "yes" } },
      { kty: "EC", attributes: { nbf: "tomorrow" } },
      { kty: "EC", attributes: { exportable: true } },
      { kty: "EC", release_policy: { contentType: "application/json; charset=utf-8", data: "e30" } },
    ];
    for (const body of bodies) {
      const res = await kv.json("POST", "/keys/k/create", body);
      expect(res.status, `${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`).toBe(400);
      expectKvError(res, 400, "BadParameter");
    }
    await expectNothingStored(kv);
  });

  it("key tags: 15 of up to 256 characters each are kept; a 257-character name or value -> 400 (keys' limit, not secrets' 512)", async () => {
    const { kv } = shared();
    const fifteen = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`t${i}`.padEnd(256, "n"), "v".repeat(256)]));
    const created = expectOk(await kv.json<{ tags: Record<string, string> }>("POST", "/keys/tagged/create", { kty: "EC", tags: fifteen }));
    expect(created.tags).toEqual(fifteen);
    for (const tags of [{ a: "v".repeat(257) }, { ["n".repeat(257)]: "v" }, { a: "v".repeat(512) }]) {
      expectKvError(await kv.json("POST", "/keys/k/create", { kty: "EC", tags }), 400, "BadParameter");
      expectKvError(await kv.json("PUT", "/keys/imp", { key: EC_P256_JWK, tags }), 400, "BadParameter");
      expectKvError(await kv.json("PATCH", "/keys/tagged/", { tags }), 400, "BadParameter");
    }
    expectKvError(await kv.json("GET", "/keys/k"), 404, "KeyNotFound");
    expectKvError(await kv.json("GET", "/keys/imp"), 404, "KeyNotFound");
    expect(expectOk(await kv.json<{ tags: Record<string, string> }>("GET", "/keys/tagged")).tags).toEqual(fifteen);
  });

  it("-HSM key types in a standard vault -> 400 \"Hardware key operation not allowed on standard vault.\"", async () => {
    const { kv } = shared();
    for (const kty of ["RSA-HSM", "EC-HSM", "oct-HSM"]) {
      const error = expectKvError(await kv.json("POST", "/keys/k/create", { kty }), 400, "BadParameter");
      expect(error.message, kty).toBe(HSM_REFUSAL);
    }
    await expectNothingStored(kv);
  });

  it("malformed bodies and names -> 400", async () => {
    const { kv } = shared();
    for (const raw of ["", "not json", "[]", "null", "\"EC\"", "{"]) {
      const res = await kv.request("POST", "/keys/k/create", raw, { "Content-Type": "application/json" });
      const body = (await res.json()) as ErrorBody;
      expect(res.status, raw).toBe(400);
      expect(body.error.code).toBe("BadParameter");
    }
    for (const name of ["bad_name", "a.b", "x".repeat(128)]) {
      expectKvError(await kv.json("POST", `/keys/${name}/create`, { kty: "EC" }), 400, "BadParameter");
    }
    await expectNothingStored(kv);
  });
});

describe("import: refused JWKs", SLOW_KEYS, () => {
  it("malformed private keys -> 400 BadParameter, nothing stored", async () => {
    const { kv } = shared();
    const { d: _d, ...rsaWithoutD } = RSA_2048_JWK;
    const { p: _p, ...rsaWithoutP } = RSA_2048_JWK;
    const { crv: _crv, ...ecWithoutCrv } = EC_P256_JWK;
    const keys: [string, unknown][] = [
      ["no key", undefined],
      ["key is a string", "RSA"],
      ["no kty", { n: RSA_2048_JWK.n, e: RSA_2048_JWK.e }],
      ["unknown kty", { ...RSA_2048_JWK, kty: "DSA" }],
      ["RSA without d", rsaWithoutD],
      ["RSA without p", rsaWithoutP],
      ["RSA public key only", { kty: "RSA", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e }],
      ["RSA p and q swapped for another pair", { ...RSA_2048_JWK, p: RSA_2048_JWK.q, q: altered(RSA_2048_JWK.p as string) }],
      ["RSA inconsistent q", { ...RSA_2048_JWK, q: altered(RSA_2048_JWK.q as string) }],
      ["RSA wrong dp", { ...RSA_2048_JWK, dp: altered(RSA_2048_JWK.dp as string) }],
      ["RSA wrong qi", { ...RSA_2048_JWK, qi: altered(RSA_2048_JWK.qi as string) }],
      ["RSA wrong d", { ...RSA_2048_JWK, d: altered(RSA_2048_JWK.d as string) }],
      ["RSA n not base64url", { ...RSA_2048_JWK, n: (RSA_2048_JWK.n as string).replace(/-/g, "+").replace(/_/g, "/") }],
      ["RSA e padded", { ...RSA_2048_JWK, e: "AQAB=" }],
      ["RSA n not a string", { ...RSA_2048_JWK, n: 12345 }],
      ["EC point off the curve", { ...EC_P256_JWK, y: altered(EC_P256_JWK.y as string) }],
      ["EC d of another key", { ...EC_P256_JWK, d: EC_P256_JWK_A2.d }],
      ["EC without crv", ecWithoutCrv],
      ["EC unknown crv", { ...EC_P256_JWK, crv: "P-999" }],
      ["EC x too short", { ...EC_P256_JWK, x: b64u(fromB64u(EC_P256_JWK.x).subarray(1)) }],
      ["EC without d", { kty: "EC", crv: "P-521", x: EC_P521_JWK.x, y: EC_P521_JWK.y }],
      ["EC curve mismatch", { ...EC_P521_JWK, crv: "P-384" }],
      ["oct k of 15 bytes", octJwk(new Uint8Array(15).fill(1))],
      ["oct k empty", { kty: "oct", k: "" }],
      ["oct k not base64url", { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAA+A==" }],
      ["oct without k", { kty: "oct" }],
      ["key_ops not allowed", { ...EC_P256_JWK, key_ops: ["fly"] }],
    ];
    for (const [label, key] of keys) {
      const res = await kv.json("PUT", "/keys/imp", key === undefined ? {} : { key });
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectKvError(res, 400, "BadParameter");
    }
    await expectNothingStored(kv);
  });

  it("key_hsm (BYOK), Hsm: true, an -HSM kty, exportable and release_policy -> 400", async () => {
    const { kv } = shared();
    const byok = b64u(new TextEncoder().encode(JSON.stringify({ schema_version: "1.0.0", header: { kid: "x", alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" }, ciphertext: "AA" })));
    expectKvError(await kv.json("PUT", "/keys/imp", { key: { kty: "RSA-HSM", key_hsm: byok } }), 400, "BadParameter");
    expectKvError(await kv.json("PUT", "/keys/imp", { key: { ...RSA_2048_JWK, key_hsm: byok } }), 400, "BadParameter");
    expect(expectKvError(await kv.json("PUT", "/keys/imp", { key: RSA_2048_JWK, Hsm: true }), 400, "BadParameter").message).toBe(HSM_REFUSAL);
    expect(expectKvError(await kv.json("PUT", "/keys/imp", { key: { ...EC_P256_JWK, kty: "EC-HSM" } }), 400, "BadParameter").message).toBe(HSM_REFUSAL);
    expect(expectKvError(await kv.json("PUT", "/keys/imp", { key: { ...octJwk(OCT_KEYS[128]), kty: "oct-HSM" } }), 400, "BadParameter").message).toBe(
      HSM_REFUSAL,
    );
    expectKvError(await kv.json("PUT", "/keys/imp", { key: EC_P256_JWK, Hsm: "yes" }), 400, "BadParameter");
    expectKvError(await kv.json("PUT", "/keys/imp", { key: EC_P256_JWK, attributes: { exportable: true } }), 400, "BadParameter");
    expectKvError(await kv.json("PUT", "/keys/imp", { key: EC_P256_JWK, release_policy: { data: "e30" } }), 400, "BadParameter");
    await expectNothingStored(kv);
  });

  it("update of an existing key with exportable or release_policy -> 400 and the key is unchanged", async () => {
    const { kv } = shared();
    const imported = await importKey(kv, "k", EC_P256_JWK);
    expectKvError(await kv.json("PATCH", "/keys/k/", { attributes: { exportable: true } }), 400, "BadParameter");
    expectKvError(await kv.json("PATCH", "/keys/k/", { release_policy: { data: "e30" } }), 400, "BadParameter");
    expect(expectOk(await kv.json("GET", "/keys/k"))).toEqual(imported);
  });
});

describe("cryptographic operations: refused parameters", SLOW_KEYS, () => {
  it("invalid base64url in value, digest, iv, tag and aad -> 400 BadParameter", async () => {
    const { kv } = shared();
    const good32 = b64u(new Uint8Array(32));
    const bad = ["a+b/", "abcde", "$$$$", "ab cd", 5, true];
    for (const value of bad) {
      const label = JSON.stringify(value);
      expectKvError(await keyOp(kv, "ec", "sign", { alg: "ES256", value }), 400, "BadParameter");
      expectKvError(await kv.json("POST", "/keys/ec/verify", { alg: "ES256", digest: value, value: good32 }), 400, "BadParameter");
      expectKvError(await kv.json("POST", "/keys/ec/verify", { alg: "ES256", digest: good32, value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "oct", "encrypt", { alg: "A256GCM", value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "oct", "encrypt", { alg: "A256GCM", value: good32, aad: value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "oct", "encrypt", { alg: "A256CBCPAD", value: good32, iv: value }), 400, "BadParameter");
      const dec = { alg: "A256GCM", value: good32, iv: b64u(new Uint8Array(12)), tag: b64u(new Uint8Array(16)) };
      for (const member of ["value", "iv", "tag", "aad"]) {
        const res = await keyOp(kv, "oct", "decrypt", { ...dec, [member]: value });
        expect(res.status, `decrypt ${member}=${label}`).toBe(400);
      }
      expectKvError(await keyOp(kv, "oct", "wrapkey", { alg: "A256KW", value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "oct", "unwrapkey", { alg: "A256KW", value }), 400, "BadParameter");
    }
  });

  it("missing or unknown alg, missing value -> 400 on every operation", async () => {
    const { kv } = shared();
    const value = b64u(new Uint8Array(32));
    for (const op of ["sign", "encrypt", "decrypt", "wrapkey", "unwrapkey"]) {
      expectKvError(await keyOp(kv, "rsa", op, { value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "rsa", op, { alg: "NOPE", value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "rsa", op, { alg: null, value }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "rsa", op, { alg: op === "sign" ? "RS256" : "RSA-OAEP" }), 400, "BadParameter");
    }
    expectKvError(await kv.json("POST", "/keys/rsa/verify", { digest: value, value }), 400, "BadParameter");
    expectKvError(await kv.json("POST", "/keys/rsa/verify", { alg: "XS256", digest: value, value }), 400, "BadParameter");
  });

  it("RSA-OAEP plaintext longer than k - 2hLen - 2 -> 400 for encrypt and wrapKey", async () => {
    const { kv } = shared();
    for (const op of ["encrypt", "wrapkey"]) {
      expectKvError(await keyOp(kv, "rsa", op, { alg: "RSA-OAEP", value: b64u(new Uint8Array(215)) }), 400, "BadParameter");
      expectKvError(await keyOp(kv, "rsa", op, { alg: "RSA-OAEP-256", value: b64u(new Uint8Array(191)) }), 400, "BadParameter");
    }
  });
});

describe("no 5xx for odd requests", SLOW_KEYS, () => {
  it("a batch of odd key requests all answer 4xx with Azure's error shape", SLOWEST_KEYS, async () => {
    const { kv } = shared();
    const long = "y".repeat(5000);
    const requests: [string, string, unknown?][] = [
      ["POST", "/keys//create", { kty: "EC" }],
      ["POST", "/keys/%00/create", { kty: "EC" }],
      ["POST", "/keys/%C3%A9/create", { kty: "EC" }],
      ["POST", "/keys/k/create", { kty: "RSA", key_size: 1e308 }],
      ["POST", "/keys/k/create", { kty: "RSA", key_size: -2048 }],
      ["POST", "/keys/k/create", { kty: "RSA", public_exponent: 1e30 }],
      ["POST", "/keys/k/create", { kty: "RSA", public_exponent: -65537 }],
      ["POST", "/keys/k/create", { kty: "EC", crv: 5 }],
      ["POST", "/keys/k/create", { kty: "EC", crv: ["P-256"] }],
      ["POST", "/keys/k/create", { kty: "EC", key_ops: [null] }],
      ["POST", "/keys/k/create", { kty: "EC", attributes: [] }],
      ["POST", "/keys/k/create", { kty: "EC", attributes: { exp: -1 } }],
      ["POST", "/keys/k/create", { kty: "EC", attributes: { exp: 1e300 } }],
      ["POST", "/keys/k/create", { kty: "EC", tags: [] }],
      ["POST", "/keys/k/create", { kty: "EC", tags: { [long]: "v" } }],
      ["POST", "/keys/k/create", { kty: "oct", key_size: 0 }],
      ["POST", "/keys/k/create", { kty: "oct-HSM", key_size: 0 }],
      ["PUT", "/keys/k", { key: null }],
      ["PUT", "/keys/k", { key: [] }],
      ["PUT", "/keys/k", { key: { kty: "RSA", n: "AQAB", e: "AQAB", d: "AQ", p: "AQ", q: "AQ", dp: "AQ", dq: "AQ", qi: "AQ" } }],
      ["PUT", "/keys/k", { key: { kty: "RSA", n: b64u(new Uint8Array(256).fill(0xff)), e: "AQAB", d: "AQ", p: "Aw", q: "BQ", dp: "AQ", dq: "AQ", qi: "AQ" } }],
      ["PUT", "/keys/k", { key: { kty: "RSA", n: RSA_2048_JWK.n, e: b64u(new Uint8Array(9).fill(1)), d: "AQ", p: "AQ", q: "AQ", dp: "AQ", dq: "AQ", qi: "AQ" } }],
      ["PUT", "/keys/k", { key: { kty: "EC", crv: "P-256", x: b64u(new Uint8Array(32)), y: b64u(new Uint8Array(32)), d: b64u(new Uint8Array(32)) } }],
      ["PUT", "/keys/k", { key: { kty: "EC", crv: "P-256", x: b64u(new Uint8Array(32).fill(0xff)), y: b64u(new Uint8Array(32).fill(0xff)), d: b64u(new Uint8Array(32).fill(0xff)) } }],
      ["PUT", "/keys/k", { key: { kty: "EC", crv: "P-256K", x: EC_P256_JWK.x, y: EC_P256_JWK.y, d: EC_P256_JWK.d } }],
      ["PUT", "/keys/k", { key: { kty: "oct", k: long } }],
      ["PUT", "/keys/k", { key: { kty: "oct", k: { nested: true } } }],
      ["PATCH", "/keys/rsa/", { key_ops: {} }],
      ["PATCH", "/keys/rsa/", { attributes: { nbf: 10, exp: 5 } }],
      ["PATCH", "/keys/rsa/not-a-version", { tags: {} }],
      ["POST", "/keys/ec/sign", { alg: "ES256", value: "" }],
      ["POST", "/keys/rsa/sign", { alg: "RSNULL", value: "" }],
      ["POST", "/keys/ec/verify", { alg: "ES256", digest: b64u(new Uint8Array(32)), value: "" }],
      ["POST", "/keys/rsa/verify", { alg: "PS256", digest: b64u(new Uint8Array(32)), value: b64u(new Uint8Array(1000)) }],
      ["POST", "/keys/oct128/encrypt", { alg: "A128CBC", value: "" }],
      ["POST", "/keys/oct128/encrypt", { alg: "A128CBC", value: b64u(new Uint8Array(16)), iv: "" }],
      ["POST", "/keys/rsa/decrypt", { alg: "RSA-OAEP", value: "" }],
      ["POST", "/keys/rsa/decrypt", { alg: "RSA1_5", value: b64u(new Uint8Array(256).fill(0xff)) }],
      ["POST", "/keys/rsa/decrypt", { alg: "RSA-OAEP-256", value: b64u(new Uint8Array(512).fill(1)) }],
      ["POST", "/keys/oct128/decrypt", { alg: "A128CBCPAD", value: b64u(new Uint8Array(15)), iv: b64u(new Uint8Array(16)) }],
      ["POST", "/keys/oct128/decrypt", { alg: "A128CBC", value: "", iv: b64u(new Uint8Array(16)) }],
      ["POST", "/keys/oct128/decrypt", { alg: "A128GCM", value: "", iv: b64u(new Uint8Array(12)), tag: b64u(new Uint8Array(16)) }],
      ["POST", "/keys/oct128/wrapkey", { alg: "A128KW", value: "" }],
      ["POST", "/keys/oct128/wrapkey", { alg: "CKM_AES_KEY_WRAP_PAD", value: "" }],
      ["POST", "/keys/oct128/wrapkey", { alg: "A128KW", value: b64u(new Uint8Array(8)) }],
      ["POST", "/keys/oct128/unwrapkey", { alg: "A128KW", value: b64u(new Uint8Array(8)) }],
      ["POST", "/keys/oct128/unwrapkey", { alg: "CKM_AES_KEY_WRAP_PAD", value: b64u(new Uint8Array(8)) }],
      ["POST", "/keys/oct128/unwrapkey", { alg: "CKM_AES_KEY_WRAP_PAD", value: "" }],
      ["POST", "/keys/oct128/unwrapkey", { alg: "RSA-OAEP", value: b64u(new Uint8Array(16)) }],
      ["POST", "/keys/ec/encrypt", { alg: "RSA-OAEP", value: b64u(new Uint8Array(16)) }],
      ["POST", "/keys/ec/wrapkey", { alg: "A128KW", value: b64u(new Uint8Array(16)) }],
      ["POST", "/keys/rsa/not-a-version/sign", { alg: "RS256", value: b64u(new Uint8Array(32)) }],
      ["POST", "/keys/rsa/a/b/sign", { alg: "RS256", value: b64u(new Uint8Array(32)) }],
      ["DELETE", "/keys/rsa/sign"],
      ["PUT", "/keys/rsa/rotationpolicy", []],
      ["PUT", "/keys/rsa/rotationpolicy", { attributes: "P90D" }],
      ["PUT", "/keys/rsa/rotationpolicy", { lifetimeActions: [null] }],
      ["PUT", "/keys/rsa/rotationpolicy", { lifetimeActions: [{ trigger: null, action: null }] }],
      ["PUT", "/keys/rsa/rotationpolicy", { lifetimeActions: [{ trigger: { timeAfterCreate: "P99999999999D" }, action: { type: "Rotate" } }] }],
      ["PUT", "/keys/rsa/rotationpolicy", { lifetimeActions: [{ trigger: { timeAfterCreate: 30 }, action: { type: "Rotate" } }] }],
      ["GET", "/keys?maxresults=-1"],
      ["GET", "/keys?$skiptoken=%%%"],
      ["GET", "/keys?$skiptoken=bm90LWpzb24"],
      ["GET", "/keys/rsa/versions?$skiptoken=eyJhZnRlciI6MX0"],
      ["GET", "/deletedkeys?$skiptoken=eyJhZnRlclNlcSI6MX0"],
      ["POST", "/keys/restore", { value: b64u(new Uint8Array([1, 2, 3])) }],
      ["POST", "/keys/restore", { value: long }],
      ["POST", "/rng", { count: 1e308 }],
      ["POST", "/rng", { count: -1 }],
      ["POST", "/rng", "[]"],
      ["GET", "/deletedkeys/rsa/recover"],
      ["POST", "/deletedkeys/%20/recover"],
    ];
    for (const [method, path, body] of requests) {
      const res = await kv.request(method, path, body);
      const text = await res.text();
      const label = `${method} ${path} ${JSON.stringify(body)?.slice(0, 120)} -> ${res.status} ${text.slice(0, 200)}`;
      // A signature that does not verify is an answer, not an error (keys.json KeyVerifyResult).
      if (path.endsWith("/verify") && res.status === 200) {
        expect(JSON.parse(text), label).toEqual({ value: false });
        continue;
      }
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      const parsed = JSON.parse(text) as ErrorBody;
      expect(typeof parsed.error?.code, label).toBe("string");
      expect(typeof parsed.error?.message, label).toBe("string");
    }
    await expectNothingStored(kv);
    expect(expectOk(await kv.json("GET", "/keys/rsa/rotationpolicy"))).toMatchObject({ attributes: null });
  });
});
