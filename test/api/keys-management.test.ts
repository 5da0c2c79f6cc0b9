/**
 * Keys management over the wire (keys.json 2025-07-01: CreateKey, ImportKey, GetKey, UpdateKey,
 * GetKeys, GetKeyVersions, GetRandomBytes). Every response passes the guard in ../support/key-api.ts:
 * no 5xx and no private JWK member (d, p, q, dp, dq, qi, k) anywhere.
 */
import { describe, expect, it } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  EC_P256_JWK,
  EC_P521_JWK,
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
  kidPattern,
  nowSeconds,
  octJwk,
  sign,
  utf8,
  versionOfKid,
  type KeyBundle,
  type KeyItem,
  type KeyListResult,
  SLOW_KEYS,
  SLOWEST_KEYS,
} from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

/** One empty vault for the file; each test makes its own keys (isolatedStorage undoes them after it). */
const shared = sharedKeyVault("km");

const RSA_DEFAULT_OPS = ["decrypt", "encrypt", "sign", "unwrapKey", "verify", "wrapKey"];
const EC_DEFAULT_OPS = ["sign", "verify"];
const OCT_DEFAULT_OPS = ["decrypt", "encrypt", "unwrapKey", "wrapKey"];
const sorted = (ops: readonly string[]): string[] => [...ops].sort();

/** Azure's software-key attributes in a soft-delete vault with the default 90-day retention. */
function expectFreshAttributes(bundle: KeyBundle, before: number): void {
  const a = bundle.attributes;
  expect(a).toMatchObject({ enabled: true, recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90, exportable: false, hsmPlatform: "0" });
  expect(Number.isInteger(a.created)).toBe(true);
  expect(a.created).toBeGreaterThanOrEqual(before - 5);
  expect(a.created).toBeLessThanOrEqual(nowSeconds() + 5);
  expect(a.updated).toBe(a.created);
  expect(a).not.toHaveProperty("nbf");
  expect(a).not.toHaveProperty("exp");
}

function expectRsaKey(bundle: KeyBundle, vault: string, name: string, bits: number, e = "AQAB"): void {
  expect(bundle.key.kid).toMatch(kidPattern(vault, name));
  expect(bundle.key.kty).toBe("RSA");
  const n = fromB64u(bundle.key.n);
  expect(n.length).toBe(bits / 8);
  expect((n[0] ?? 0) & 0x80).toBe(0x80); // a full-size modulus, no leading zero octet
  expect(bundle.key.e).toBe(e);
  for (const member of ["crv", "x", "y"]) expect(bundle.key).not.toHaveProperty(member);
}

describe("create key (POST /keys/{name}/create)", SLOW_KEYS, () => {
  it("RSA (default size 2048): KeyBundle with kid, kty, default key_ops, n/e and the attributes", async () => {
    const { vault, kv } = shared();
    const before = nowSeconds();
    const created = await createKey(kv, "rsa1", { kty: "RSA" });
    expectRsaKey(created, vault, "rsa1", 2048);
    expect(sorted(created.key.key_ops)).toEqual(RSA_DEFAULT_OPS);
    expectFreshAttributes(created, before);
    expect(created).not.toHaveProperty("tags");
    // GET returns the same bundle, latest and by version.
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/rsa1"))).toEqual(created);
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/rsa1/${versionOfKid(created.key.kid)}`))).toEqual(created);
  });

  it("RSA 3072 and 4096 have 384- and 512-octet moduli", SLOWEST_KEYS, async () => {
    const { vault, kv } = shared();
    expectRsaKey(await createKey(kv, "r3072", { kty: "RSA", key_size: 3072 }), vault, "r3072", 3072);
    expectRsaKey(await createKey(kv, "r4096", { kty: "RSA", key_size: 4096 }), vault, "r4096", 4096);
  });

  it("RSA with public_exponent 3: e is \"Aw\" and the key signs (checked with WebCrypto)", async () => {
    const { vault, kv } = shared();
    const created = await createKey(kv, "e3", { kty: "RSA", key_size: 2048, public_exponent: 3, key_ops: ["sign", "verify"] });
    expectRsaKey(created, vault, "e3", 2048, "Aw");
    expect(created.key.key_ops).toEqual(["sign", "verify"]);
    const message = utf8("exponent three");
    const signature = await sign(kv, "e3", "RS256", await digestOf("SHA-256", message));
    const pub = await crypto.subtle.importKey("jwk", { kty: "RSA", n: created.key.n, e: created.key.e }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pub, signature, message)).toBe(true);
  });

  it("EC on each curve: crv, x/y of the curve's size forming a valid point, key_ops sign/verify", async () => {
    const { vault, kv } = shared();
    const curves = [
      { crv: "P-256", size: 32, webCrypto: true },
      { crv: "P-384", size: 48, webCrypto: true },
      { crv: "P-521", size: 66, webCrypto: true },
      { crv: "P-256K", size: 32, webCrypto: false },
    ];
    for (const { crv, size, webCrypto } of curves) {
      const name = `ec-${crv.replace("-", "")}`;
      const before = nowSeconds();
      const created = await createKey(kv, name, { kty: "EC", crv });
      expect(created.key.kid).toMatch(kidPattern(vault, name));
      expect(created.key.kty).toBe("EC");
      expect(created.key.crv).toBe(crv);
      expect(sorted(created.key.key_ops)).toEqual(EC_DEFAULT_OPS);
      const x = fromB64u(created.key.x);
      const y = fromB64u(created.key.y);
      expect([x.length, y.length], crv).toEqual([size, size]);
      for (const member of ["n", "e"]) expect(created.key).not.toHaveProperty(member);
      expectFreshAttributes(created, before);
      if (webCrypto) {
        // WebCrypto refuses to import a point that is not on the curve.
        await crypto.subtle.importKey("jwk", { kty: "EC", crv, x: created.key.x, y: created.key.y }, { name: "ECDSA", namedCurve: crv }, false, ["verify"]);
      } else {
        const point = secp256k1.Point.fromBytes(new Uint8Array([4, ...x, ...y]));
        expect(() => point.assertValidity()).not.toThrow();
      }
    }
  });

  it("EC without crv is P-256", async () => {
    const { kv } = shared();
    const created = await createKey(kv, "ec", { kty: "EC" });
    expect(created.key.crv).toBe("P-256");
    expect(fromB64u(created.key.x).length).toBe(32);
  });

  it("oct 128/192/256: no key material at all, default key_ops, and the size shows in which AES algorithm fits", async () => {
    const { vault, kv } = shared();
    for (const bits of [128, 192, 256]) {
      const name = `oct${bits}`;
      const before = nowSeconds();
      const created = await createKey(kv, name, { kty: "oct", key_size: bits });
      expect(created.key.kid).toMatch(kidPattern(vault, name));
      expect(created.key.kty).toBe("oct");
      expect(sorted(created.key.key_ops)).toEqual(OCT_DEFAULT_OPS);
      for (const member of ["n", "e", "crv", "x", "y"]) expect(created.key).not.toHaveProperty(member);
      expectFreshAttributes(created, before);
      const fits = await keyOp(kv, name, "encrypt", { alg: `A${bits}GCM`, value: b64u(utf8("x")) });
      expect(fits.status, JSON.stringify(fits.body)).toBe(200);
      const other = bits === 256 ? 128 : 256;
      expectKvError(await keyOp(kv, name, "encrypt", { alg: `A${other}GCM`, value: b64u(utf8("x")) }), 400, "BadParameter");
    }
  });

  it("key_ops, tags, enabled and nbf/exp given at creation are kept", async () => {
    const { kv } = shared();
    const nbf = nowSeconds() - 60;
    const exp = nowSeconds() + 3600;
    const created = await createKey(kv, "ec", {
      kty: "EC",
      crv: "P-384",
      key_ops: ["verify"],
      tags: { purpose: "test", owner: "me" },
      attributes: { enabled: false, nbf, exp },
    });
    expect(created.key.key_ops).toEqual(["verify"]);
    expect(created.tags).toEqual({ purpose: "test", owner: "me" });
    expect(created.attributes).toMatchObject({ enabled: false, nbf, exp });
  });
});

describe("import key (PUT /keys/{name})", SLOW_KEYS, () => {
  it("RSA private JWK (RFC 7517 A.2): the public part comes back unchanged, default RSA key_ops", async () => {
    const { vault, kv } = shared();
    const before = nowSeconds();
    const imported = await importKey(kv, "imp", RSA_2048_JWK);
    expect(imported.key.kid).toMatch(kidPattern(vault, "imp"));
    expect(imported.key).toMatchObject({ kty: "RSA", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e });
    expect(sorted(imported.key.key_ops)).toEqual(RSA_DEFAULT_OPS);
    expectFreshAttributes(imported, before);
  });

  it("EC private JWKs (RFC 7515 A.3 P-256, A.4 P-521): crv/x/y unchanged", async () => {
    const { kv } = shared();
    const p256 = await importKey(kv, "p256", EC_P256_JWK);
    expect(p256.key).toMatchObject({ kty: "EC", crv: "P-256", x: EC_P256_JWK.x, y: EC_P256_JWK.y });
    expect(sorted(p256.key.key_ops)).toEqual(EC_DEFAULT_OPS);
    const p521 = await importKey(kv, "p521", EC_P521_JWK);
    expect(p521.key).toMatchObject({ kty: "EC", crv: "P-521", x: EC_P521_JWK.x, y: EC_P521_JWK.y });
  });

  it("a WebCrypto-generated P-384 key imports with its public point", async () => {
    const { kv } = shared();
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
    const imported = await importKey(kv, "wc", { kty: "EC", crv: "P-384", x: jwk.x, y: jwk.y, d: jwk.d });
    expect(imported.key).toMatchObject({ kty: "EC", crv: "P-384", x: jwk.x, y: jwk.y });
  });

  it("oct with key_ops, tags and attributes: no k in the answer, key_ops as given", async () => {
    const { kv } = shared();
    const k = crypto.getRandomValues(new Uint8Array(32));
    const exp = nowSeconds() + 86_400;
    const imported = await importKey(kv, "oct", octJwk(k, ["wrapKey", "unwrapKey"]), { tags: { a: "b" }, attributes: { exp }, Hsm: false });
    expect(imported.key.kty).toBe("oct");
    expect(imported.key.key_ops).toEqual(["wrapKey", "unwrapKey"]);
    expect(imported.tags).toEqual({ a: "b" });
    expect(imported.attributes.exp).toBe(exp);
    expect(imported.attributes.hsmPlatform).toBe("0");
  });

  it("importing again under the same name adds a version", async () => {
    const { vault, kv } = shared();
    const first = await importKey(kv, "twice", EC_P256_JWK);
    const second = await importKey(kv, "twice", EC_P521_JWK);
    expect(second.key.kid).toMatch(kidPattern(vault, "twice"));
    expect(versionOfKid(second.key.kid)).not.toBe(versionOfKid(first.key.kid));
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/twice")).key.crv).toBe("P-521");
  });
});

describe("get key (GET /keys/{name}[/{version}])", SLOW_KEYS, () => {
  it("/keys/{n} and /keys/{n}/ are the latest version; /keys/{n}/{v} an older one", async () => {
    const { kv } = shared();
    const v1 = await createKey(kv, "k", { kty: "EC", crv: "P-256" });
    const v2 = await createKey(kv, "k", { kty: "EC", crv: "P-384" });
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/k"))).toEqual(v2);
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/k/"))).toEqual(v2);
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/k/${versionOfKid(v1.key.kid)}`))).toEqual(v1);
    // Names are case-insensitive.
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/K")).key.kid).toBe(v2.key.kid);
  });

  it("unknown name or version -> 404 KeyNotFound with Azure's message", async () => {
    const { kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    const error = expectKvError(await kv.json("GET", "/keys/nope"), 404, "KeyNotFound");
    expect(error.message).toMatch(/^A key with \(name\/id\) nope was not found in this key vault\./);
    expectKvError(await kv.json("GET", `/keys/k/${"0".repeat(32)}`), 404, "KeyNotFound");
    // A version of one key is not a version of another.
    const other = await createKey(kv, "other", { kty: "EC" });
    const foreignVersion = versionOfKid(other.key.kid);
    expectKvError(await kv.json("GET", `/keys/k/${foreignVersion}`), 404, "KeyNotFound");
    expectKvError(await keyOp(kv, "k", "sign", { alg: "ES256", value: b64u(new Uint8Array(32)) }, foreignVersion), 404, "KeyNotFound");
    // Upper-case versions and names address the same key.
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/OTHER/${foreignVersion.toUpperCase()}`))).toEqual(other);
  });
});

describe("update key (PATCH /keys/{name}/{version})", SLOW_KEYS, () => {
  it("changes key_ops, enabled, nbf/exp and tags of that version only; updated moves, created stays", async () => {
    const { kv } = shared();
    const v1 = await createKey(kv, "k", { kty: "EC", crv: "P-256", tags: { keep: "no" } });
    const v2 = await createKey(kv, "k", { kty: "EC", crv: "P-256" });
    const nbf = nowSeconds() - 100;
    const exp = nowSeconds() + 10_000;
    const res = await kv.json<KeyBundle>("PATCH", `/keys/k/${versionOfKid(v1.key.kid)}`, {
      key_ops: ["verify"],
      attributes: { enabled: false, nbf, exp },
      tags: { env: "prod" },
    });
    const updated = expectOk(res);
    expect(updated.key.kid).toBe(v1.key.kid);
    expect(updated.key.x).toBe(v1.key.x);
    expect(updated.key.key_ops).toEqual(["verify"]);
    expect(updated.attributes).toMatchObject({ enabled: false, nbf, exp, created: v1.attributes.created });
    expect(updated.attributes.updated).toBeGreaterThanOrEqual(v1.attributes.updated);
    expect(updated.tags).toEqual({ env: "prod" });
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/k/${versionOfKid(v1.key.kid)}`))).toEqual(updated);
    // The other version is untouched.
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/k"))).toEqual(v2);
  });

  it("PATCH /keys/{n}/ updates the latest; null clears exp; absent members stay", async () => {
    const { kv } = shared();
    const exp = nowSeconds() + 5000;
    await createKey(kv, "k", { kty: "EC", attributes: { exp }, tags: { t: "1" } });
    const updated = expectOk(await kv.json<KeyBundle>("PATCH", "/keys/k/", { attributes: { exp: null } }));
    expect(updated.attributes).not.toHaveProperty("exp");
    expect(updated.tags).toEqual({ t: "1" });
    expect(sorted(updated.key.key_ops)).toEqual(EC_DEFAULT_OPS);
  });

  it("exp before nbf -> 400 and the key is unchanged; unknown version -> 404", async () => {
    const { kv } = shared();
    const created = await createKey(kv, "k", { kty: "EC" });
    const now = nowSeconds();
    expectKvError(await kv.json("PATCH", `/keys/k/${versionOfKid(created.key.kid)}`, { attributes: { nbf: now + 100, exp: now } }), 400, "BadParameter");
    expectKvError(await kv.json("PATCH", `/keys/k/${versionOfKid(created.key.kid)}`, { key_ops: ["fly"] }), 400, "BadParameter");
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/k"))).toEqual(created);
    expectKvError(await kv.json("PATCH", `/keys/k/${"a".repeat(32)}`, { tags: {} }), 404, "KeyNotFound");
  });
});

describe("list keys and versions", SLOW_KEYS, () => {
  it("GET /keys: KeyItems with versionless kid, attributes and tags, no key material; paging by maxresults", async () => {
    const { vault, kv } = shared();
    const names = ["alpha", "bravo", "charlie", "delta", "echo"];
    for (const name of names) await createKey(kv, name, { kty: "EC", tags: { name } });
    await createKey(kv, "alpha", { kty: "EC" }); // a second version is still one item

    const all = expectOk(await kv.json<KeyListResult>("GET", "/keys"));
    expect(all.nextLink).toBeNull();
    expect(all.value.map((i) => i.kid).sort()).toEqual(names.map((n) => `https://${vault}.vault.localhost:8443/keys/${n}`));
    for (const item of all.value) {
      expect(item).not.toHaveProperty("key");
      expect(item.attributes).toMatchObject({ enabled: true, recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90 });
    }
    expect(all.value.find((i) => i.kid.endsWith("/bravo"))?.tags).toEqual({ name: "bravo" });

    const seen: string[] = [];
    let page = expectOk(await kv.json<KeyListResult>("GET", "/keys?maxresults=2"));
    let pages = 1;
    for (;;) {
      expect(page.value.length).toBeLessThanOrEqual(2);
      seen.push(...page.value.map((i) => i.kid));
      if (page.nextLink === null) break;
      expect(page.nextLink).toMatch(new RegExp(`^https://${vault}\\.vault\\.localhost:8443/keys\\?api-version=2025-07-01&\\$skiptoken=.+&maxresults=2$`));
      page = expectOk(await kv.absolute<KeyListResult>(page.nextLink));
      pages++;
      expect(pages).toBeLessThanOrEqual(5);
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(all.value.map((i) => i.kid).sort());
  });

  it("GET /keys/{n}/versions over more than 25 versions: 25 per page, nextLink, every version once", SLOWEST_KEYS, async () => {
    const { vault, kv } = shared();
    const kids: string[] = [];
    for (let i = 0; i < 27; i++) {
      const imported = await importKey(kv, "many", octJwk(crypto.getRandomValues(new Uint8Array(16))), { tags: { i: String(i) } });
      kids.push(imported.key.kid);
    }
    expect(new Set(kids).size).toBe(27);

    const first = expectOk(await kv.json<KeyListResult>("GET", "/keys/many/versions"));
    expect(first.value).toHaveLength(25);
    expect(first.nextLink).toMatch(new RegExp(`^https://${vault}\\.vault\\.localhost:8443/keys/many/versions\\?api-version=2025-07-01&\\$skiptoken=`));
    for (const item of first.value) {
      expect(item.kid).toMatch(kidPattern(vault, "many"));
      expect(item).not.toHaveProperty("key");
    }
    const second = expectOk(await kv.absolute<KeyListResult>(first.nextLink as string));
    expect(second.value).toHaveLength(2);
    expect(second.nextLink).toBeNull();
    expect([...first.value, ...second.value].map((i: KeyItem) => i.kid).sort()).toEqual([...kids].sort());

    // Smaller pages: 10 + 10 + 7.
    const sizes: number[] = [];
    let page = expectOk(await kv.json<KeyListResult>("GET", "/keys/many/versions?maxresults=10"));
    for (;;) {
      sizes.push(page.value.length);
      if (page.nextLink === null || sizes.length > 5) break;
      page = expectOk(await kv.absolute<KeyListResult>(page.nextLink));
    }
    expect(sizes).toEqual([10, 10, 7]);
    // The key list still has one item for the name.
    expect(expectOk(await kv.json<KeyListResult>("GET", "/keys")).value).toHaveLength(1);
  });

  it("maxresults outside 1..25 -> 400; versions of an unknown name -> empty list", async () => {
    const { kv } = shared();
    expectKvError(await kv.json("GET", "/keys?maxresults=26"), 400, "BadParameter");
    expectKvError(await kv.json("GET", "/keys?maxresults=0"), 400, "BadParameter");
    expectKvError(await kv.json("GET", "/keys/x/versions?maxresults=abc"), 400, "BadParameter");
    expect(expectOk(await kv.json<KeyListResult>("GET", "/keys/unknown/versions"))).toEqual({ value: [], nextLink: null });
  });
});

describe("random bytes (POST /rng)", SLOW_KEYS, () => {
  it("count 1 and 128 give that many bytes, base64url", async () => {
    const { kv } = shared();
    for (const count of [1, 128]) {
      const res = await kv.json<{ value: string }>("POST", "/rng", { count });
      expect(fromB64u(expectOk(res).value).length).toBe(count);
    }
    const a = expectOk(await kv.json<{ value: string }>("POST", "/rng", { count: 32 })).value;
    const b = expectOk(await kv.json<{ value: string }>("POST", "/rng", { count: 32 })).value;
    expect(a).not.toBe(b);
  });

  it("count 0, 129, \"x\", 1.5 or missing -> 400 BadParameter", async () => {
    const { kv } = shared();
    for (const body of [{ count: 0 }, { count: 129 }, { count: "x" }, { count: 1.5 }, {}]) {
      expectKvError(await kv.json("POST", "/rng", body), 400, "BadParameter");
    }
  });
});
