import { describe, expect, it } from "vitest";
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { generateEc, generateOct, generateRsa } from "../../core/crypto/keys/generate-key.ts";
import { validateImportedJwk, publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { bytesToBigInt } from "../../core/crypto/keys/bigint-math.ts";
import { KEY_TYPES, defaultKeyOps, type EcCurve, type RsaKeySize } from "../../core/crypto/keys/key-types.ts";
import { bytesOf } from "../support/keys.ts";
import { badParameter as expectBadParameter, badParameterAsync as expectBadParameterAsync } from "../support/bad-parameter.ts";

const MESSAGE = new TextEncoder().encode("edge vault key generation");
const RSA_SIGN = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/** Sign with WebCrypto, verify with node:crypto (BoringSSL via workerd's node layer), and the other way round. */
async function crossCheckRsa(jwk: JsonWebKey): Promise<void> {
  const { n, e } = jwk;
  const privateKey = await crypto.subtle.importKey("jwk", jwk, RSA_SIGN, false, ["sign"]);
  const publicKey = await crypto.subtle.importKey("jwk", { kty: "RSA", n, e }, RSA_SIGN, false, ["verify"]);
  const webSignature = new Uint8Array(await crypto.subtle.sign(RSA_SIGN, privateKey, MESSAGE));
  const nodePrivate = createPrivateKey({ key: { ...jwk }, format: "jwk" });
  expect(nodeVerify("sha256", MESSAGE, createPublicKey(nodePrivate), webSignature)).toBe(true);
  const nodeSignature = nodeSign("sha256", MESSAGE, nodePrivate);
  expect(await crypto.subtle.verify(RSA_SIGN, publicKey, nodeSignature, MESSAGE)).toBe(true);
  expect(nodePrivate.asymmetricKeyDetails?.modulusLength).toBe(bytesOf(n).length * 8);
}

describe("generateRsa", () => {
  // RSA-4096 generation blocks the isolate for seconds (workerd generates synchronously); in this shared
  // test pool under full load that stalls the pool's own storage connection. It is covered where it runs
  // alone: test/api/keys-management.test.ts through the API and test/conformance/keys-sdk-management.test.ts.
  const sizes: RsaKeySize[] = [2048, 3072];
  for (const bits of sizes) {
    it(`makes an RSA-${bits} key that passes import validation and works in WebCrypto and node:crypto`, async () => {
      const started = performance.now();
      const jwk = await generateRsa(bits);
      console.log(`generateRsa(${bits}) took ${Math.round(performance.now() - started)} ms in workerd`);
      expect(Object.keys(jwk).sort()).toStrictEqual(["d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"]);
      expect(bytesOf(jwk.n).length * 8).toBe(bits);
      expect(jwk.e).toBe("AQAB");
      expect(validateImportedJwk(jwk)).toStrictEqual(jwk);
      await crossCheckRsa({ ...jwk });
    }, 120_000);
  }

  it("honours public exponent 3 (as Managed HSM does) and the key still validates", async () => {
    const jwk = await generateRsa(2048, 3);
    expect(jwk.e).toBe("Aw");
    expect(validateImportedJwk(jwk)).toStrictEqual(jwk);
    await crossCheckRsa({ ...jwk });
  }, 60_000);

  it("refuses public exponents workerd cannot generate with, before generating", async () => {
    for (const exponent of [0, 1, 5, 17, 257, 65539, 2 ** 32 + 1, 65537.5, Number.NaN]) {
      await expectBadParameterAsync(() => generateRsa(2048, exponent), /Unsupported public exponent .*\[3, 65537\]/);
    }
  });

  it("refuses sizes Azure does not offer", async () => {
    for (const bits of [512, 1024, 2047, 2056, 8192]) {
      await expectBadParameterAsync(
        () => generateRsa(bits),
        new RegExp(`^Unsupported key size \\(${bits}\\)\\. Supported sizes are \\[2048, 3072, 4096\\]$`),
      );
    }
  });
});

describe("generateEc", () => {
  const nist: EcCurve[] = ["P-256", "P-384", "P-521"];
  const hashes: Record<string, string> = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" };

  for (const crv of nist) {
    it(`makes a ${crv} key with fixed-length members that WebCrypto ECDSA signs and verifies with`, async () => {
      const jwk = generateEc(crv);
      const size = KEY_TYPES.EC.curves[crv].coordinateBytes;
      for (const member of [jwk.x, jwk.y, jwk.d]) expect(bytesOf(member).length).toBe(size);
      expect(validateImportedJwk(jwk)).toStrictEqual(jwk);
      const algorithm = { name: "ECDSA", namedCurve: crv };
      const signing = { name: "ECDSA", hash: hashes[crv] ?? "SHA-256" };
      const privateKey = await crypto.subtle.importKey("jwk", { ...jwk }, algorithm, false, ["sign"]);
      const publicKey = await crypto.subtle.importKey("jwk", { ...publicJwk(jwk) }, algorithm, false, ["verify"]);
      const signature = await crypto.subtle.sign(signing, privateKey, MESSAGE);
      expect(await crypto.subtle.verify(signing, publicKey, signature, MESSAGE)).toBe(true);
    });
  }

  it("makes a P-256K (secp256k1) key whose point noble accepts and whose d derives it", () => {
    const jwk = generateEc("P-256K");
    const point = secp256k1.Point.fromAffine({ x: bytesToBigInt(bytesOf(jwk.x)), y: bytesToBigInt(bytesOf(jwk.y)) });
    point.assertValidity();
    const secretKey = bytesOf(jwk.d);
    expect(secp256k1.utils.isValidSecretKey(secretKey)).toBe(true);
    expect(secp256k1.Point.fromBytes(secp256k1.getPublicKey(secretKey, false)).equals(point)).toBe(true);
    const digest = crypto.getRandomValues(new Uint8Array(32));
    const signature = secp256k1.sign(digest, secretKey, { prehash: false });
    expect(secp256k1.verify(signature, digest, point.toBytes(), { prehash: false })).toBe(true);
    expect(validateImportedJwk(jwk)).toStrictEqual(jwk);
  });

  it("gives a different key each time", () => {
    expect(generateEc("P-256").d).not.toBe(generateEc("P-256").d);
  });

  it("refuses curves Azure does not name", () => {
    for (const crv of ["P-192", "P-224", "secp256k1", "Ed25519", ""]) {
      expectBadParameter(() => generateEc(crv), /^Unsupported curve .*\[P-256, P-384, P-521, P-256K\]$/);
    }
  });
});

describe("generateOct", () => {
  it("makes 128, 192 and 256-bit keys", () => {
    for (const bits of [128, 192, 256]) {
      const key = generateOct(bits);
      expect(bytesOf(key.k).length * 8).toBe(bits);
      expect(validateImportedJwk(key)).toStrictEqual(key);
    }
    expect(generateOct(256).k).not.toBe(generateOct(256).k);
  });

  it("refuses other sizes", () => {
    for (const bits of [0, 64, 120, 136, 512]) {
      expectBadParameter(() => generateOct(bits), /Supported sizes are \[128, 192, 256\]$/);
    }
  });
});

describe("default key_ops (Azure CreateKey responses when none are requested)", () => {
  it("matches the recorded responses per family", () => {
    expect(defaultKeyOps("RSA")).toStrictEqual(["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]);
    expect(defaultKeyOps("EC")).toStrictEqual(["sign", "verify"]);
    expect(defaultKeyOps("oct")).toStrictEqual(["wrapKey", "unwrapKey", "decrypt", "encrypt"]);
  });

  it("hands out a copy the caller may change", () => {
    const ops = defaultKeyOps("EC");
    ops.push("encrypt");
    expect(defaultKeyOps("EC")).toStrictEqual(["sign", "verify"]);
  });
});
