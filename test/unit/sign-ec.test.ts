import { describe, expect, it } from "vitest";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  ecSignDigest,
  ecVerifyDigest,
  prepareEcSigningKey,
  prepareEcVerifyingKey,
  type EcPrivateJwk,
} from "../../core/crypto/sign/ec-digest-signature.ts";
import type { EcCurve as CurveName } from "../../core/crypto/keys/key-types.ts";
import { SIGNATURE_ALGORITHMS, type EcSignatureAlgorithm, type HashName } from "../../core/crypto/sign/signature-algorithms.ts";
import { badParameter } from "../support/bad-parameter.ts";
import rfc6979 from "../vectors/rfc6979-ecdsa.json";
import wycheproofP256 from "../vectors/wycheproof-ecdsa-p256-sha256-p1363.json";
import wycheproofP384 from "../vectors/wycheproof-ecdsa-p384-sha384-p1363.json";
import wycheproofP521 from "../vectors/wycheproof-ecdsa-p521-sha512-p1363.json";
import wycheproofK1 from "../vectors/wycheproof-ecdsa-secp256k1-sha256-p1363.json";

const fromHex = (h: string): Uint8Array<ArrayBuffer> => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const b64u = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
const HASH: Record<HashName, (m: Uint8Array) => Uint8Array> = { "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 };
const ORDER: Record<CurveName, bigint> = {
  "P-256": p256.Point.Fn.ORDER,
  "P-384": p384.Point.Fn.ORDER,
  "P-521": p521.Point.Fn.ORDER,
  "P-256K": secp256k1.Point.Fn.ORDER,
};
const ALG_OF: Record<CurveName, EcSignatureAlgorithm> = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "P-256K": "ES256K" };

const toInt = (bytes: Uint8Array): bigint => BigInt(`0x${toHex(bytes) || "0"}`);
const toBytes = (n: bigint, size: number): Uint8Array => fromHex(n.toString(16).padStart(2 * size, "0"));


/** SEC 1 uncompressed point → JWK with full-length coordinates. */
function jwkFromPoint(uncompressed: string, crv: CurveName) {
  const point = fromHex(uncompressed);
  const size = (point.length - 1) / 2;
  return { crv, x: b64u(point.subarray(1, 1 + size)), y: b64u(point.subarray(1 + size)) };
}

describe.each([
  ["ES256", wycheproofP256],
  ["ES384", wycheproofP384],
  ["ES512", wycheproofP521],
  ["ES256K", wycheproofK1],
] as const)("Wycheproof %s (verify r || s over SHA-x(msg))", (alg, vectors) => {
  const hash = SIGNATURE_ALGORITHMS[alg].hash;
  const cases = vectors.groups.flatMap((group) =>
    group.tests.map((t) => ({ ...t, key: prepareEcVerifyingKey(jwkFromPoint(group.uncompressed, vectors.curve as CurveName)) })),
  );

  it.each(cases)("tcId $tcId -> $result", (t) => {
    expect(ecVerifyDigest(alg, t.key, HASH[hash](fromHex(t.msg)), fromHex(t.sig))).toBe(t.result === "valid");
  });

  it("includes valid high-S signatures, and accepts them", () => {
    const half = ORDER[SIGNATURE_ALGORITHMS[alg].curve] >> 1n;
    const size = SIGNATURE_ALGORITHMS[alg].scalarLength;
    const highS = cases.filter((t) => t.result === "valid" && toInt(fromHex(t.sig).subarray(size)) > half);
    expect(highS.length).toBeGreaterThan(0);
  });
});

describe("RFC 6979 A.2.5-A.2.7: deterministic signatures equal the RFC's r and s", () => {
  for (const vector of rfc6979.vectors) {
    const alg = vector.alg as "ES256" | "ES384" | "ES512";
    const { curve, scalarLength: size } = SIGNATURE_ALGORITHMS[alg];
    const pad = (h: string) => fromHex(h.padStart(2 * size, "0"));
    const key = prepareEcSigningKey({ crv: curve, x: b64u(pad(vector.Ux)), y: b64u(pad(vector.Uy)), d: b64u(pad(vector.x)) });

    it.each(vector.signatures)(`${vector.section} ${alg} message "$message"`, (sig) => {
      const digest = HASH[sig.hash as HashName](utf8(sig.message));
      const signature = ecSignDigest(alg, key, digest);
      expect(toHex(signature)).toBe(toHex(pad(sig.r)) + toHex(pad(sig.s)));
      expect(ecVerifyDigest(alg, key, digest, signature)).toBe(true);
    });
  }

  it("takes a P-521 JWK whose d and x have lost their leading zero byte", () => {
    const v = rfc6979.vectors[2] as (typeof rfc6979.vectors)[number];
    const strip = (h: string) => b64u(fromHex(h.padStart(132, "0")).subarray(1));
    const full = (h: string) => b64u(fromHex(h.padStart(132, "0")));
    const key = prepareEcSigningKey({ crv: "P-521", x: full(v.Ux), y: strip(v.Uy), d: strip(v.x) });
    expect(toHex(ecSignDigest("ES512", key, sha512(utf8("sample"))))).toBe(
      (v.signatures[0]?.r ?? "").padStart(132, "0").toLowerCase() + (v.signatures[0]?.s ?? "").padStart(132, "0").toLowerCase(),
    );
  });
});

describe("independent checks against WebCrypto (it hashes the message itself)", () => {
  const MESSAGES = [new Uint8Array(0), utf8("abc"), crypto.getRandomValues(new Uint8Array(777))];

  it.each([
    ["ES256", "P-256", "SHA-256"],
    ["ES384", "P-384", "SHA-384"],
    ["ES512", "P-521", "SHA-512"],
  ] as const)("%s: ours over H(m) verifies in WebCrypto over m, WebCrypto's in ours, and so does n - s", async (alg, namedCurve, hash) => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as unknown as EcPrivateJwk;
    const key = prepareEcSigningKey(jwk);
    const params = { name: "ECDSA", hash };
    const size = SIGNATURE_ALGORITHMS[alg].scalarLength;
    for (const m of MESSAGES) {
      const digest = HASH[hash](m);
      const ours = ecSignDigest(alg, key, digest);
      expect(ours.length).toBe(2 * size);
      expect(await crypto.subtle.verify(params, pair.publicKey, ours, m)).toBe(true);

      const theirs = new Uint8Array(await crypto.subtle.sign(params, pair.privateKey, m));
      expect(ecVerifyDigest(alg, key, digest, theirs)).toBe(true);
      expect(ecVerifyDigest(alg, key, HASH[hash](utf8("other")), theirs)).toBe(false);

      // The malleated twin (r, n - s) is just as valid, and WebCrypto agrees.
      const twin = new Uint8Array([...theirs.subarray(0, size), ...toBytes(ORDER[namedCurve] - toInt(theirs.subarray(size)), size)]);
      expect(ecVerifyDigest(alg, key, digest, twin)).toBe(true);
      expect(await crypto.subtle.verify(params, pair.publicKey, twin, m)).toBe(true);
    }
  });
});

describe("ES256K (secp256k1)", () => {
  const secret = secp256k1.utils.randomSecretKey();
  const point = secp256k1.getPublicKey(secret, false);
  const jwk = { ...jwkFromPoint(toHex(point), "P-256K"), d: b64u(secret) };
  const key = prepareEcSigningKey(jwk);

  it("signs low-S, verifies, and accepts the high-S twin of its own signatures", () => {
    const n = ORDER["P-256K"];
    for (let i = 0; i < 16; i++) {
      const digest = sha256(utf8(`m${i}`));
      const signature = ecSignDigest("ES256K", key, digest);
      const s = toInt(signature.subarray(32));
      expect(s <= n >> 1n).toBe(true);
      expect(ecVerifyDigest("ES256K", key, digest, signature)).toBe(true);
      const twin = new Uint8Array([...signature.subarray(0, 32), ...toBytes(n - s, 32)]);
      expect(ecVerifyDigest("ES256K", key, digest, twin)).toBe(true);
      // noble's own verifier agrees, without our code in the way.
      expect(secp256k1.verify(signature, digest, point, { prehash: false })).toBe(true);
    }
  });
});

describe("input checks", () => {
  const key = prepareEcSigningKey({ ...jwkFromPoint(toHex(p256.getPublicKey(fromHex("01".padStart(64, "0")), false)), "P-256"), d: b64u(fromHex("01".padStart(64, "0"))) });
  const digest = sha256(utf8("x"));
  const good = ecSignDigest("ES256", key, digest);

  it("wrong digest lengths: BadParameter to sign, false to verify", () => {
    for (const length of [0, 20, 31, 33, 48, 64]) {
      badParameter(() => ecSignDigest("ES256", key, new Uint8Array(length)));
      expect(ecVerifyDigest("ES256", key, new Uint8Array(length), good)).toBe(false);
    }
    const p521key = prepareEcSigningKey({ ...jwkFromPoint(toHex(p521.getPublicKey(fromHex("07".padStart(132, "0")), false)), "P-521"), d: b64u(fromHex("07".padStart(132, "0"))) });
    badParameter(() => ecSignDigest("ES512", p521key, new Uint8Array(66)));
    expect(ecVerifyDigest("ES512", p521key, sha512(utf8("y")), ecSignDigest("ES512", p521key, sha512(utf8("y"))))).toBe(true);
  });

  it("malformed signatures and a key of another curve: false, never a throw", () => {
    const bad = [new Uint8Array(0), good.subarray(1), new Uint8Array([...good, 0]), new Uint8Array(64), new Uint8Array(64).fill(0xff),
      new Uint8Array(132), new Uint8Array([0x30, 0x44, ...good.subarray(2)])];
    for (const signature of bad) expect(ecVerifyDigest("ES256", key, digest, signature)).toBe(false);
    expect(ecVerifyDigest("ES256K", key, digest, good)).toBe(false);
    expect(ecVerifyDigest("ES384", key, sha384(utf8("x")), new Uint8Array(96))).toBe(false);
    badParameter(() => ecSignDigest("ES384", key, sha384(utf8("x"))));
  });

  it("refuses keys that are not on the curve, out of range, or whose halves disagree", () => {
    const pub = jwkFromPoint(toHex(p256.getPublicKey(fromHex("01".padStart(64, "0")), false)), "P-256");
    const offCurve = { ...pub, y: b64u(fromHex("02".padStart(64, "0"))) };
    badParameter(() => prepareEcVerifyingKey(offCurve));
    badParameter(() => prepareEcVerifyingKey({ ...pub, crv: "secp256k1" }));
    badParameter(() => prepareEcVerifyingKey({ ...pub, x: "" }));
    badParameter(() => prepareEcVerifyingKey({ ...pub, x: b64u(new Uint8Array(33).fill(1)) }));
    badParameter(() => prepareEcSigningKey({ ...pub, d: b64u(fromHex("02".padStart(64, "0"))) })); // d·G ≠ (x, y)
    badParameter(() => prepareEcSigningKey({ ...pub, d: b64u(new Uint8Array(32)) })); // d = 0
    badParameter(() => prepareEcSigningKey({ ...pub, d: b64u(toBytes(ORDER["P-256"] + 1n, 32)) })); // d > n
    expect(ALG_OF[prepareEcVerifyingKey(pub).curve]).toBe("ES256");
  });
});
