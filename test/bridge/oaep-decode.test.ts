/**
 * The bridge's EME-OAEP decoder (used where the token lacks OAEP with SHA-256), checked on its own: node:crypto
 * does the raw RSA step (RSA_NO_PADDING) and must agree with OpenSSL's own OAEP on every Wycheproof vector and on
 * random messages; malformed encodings all come back as the same `undefined`.
 */
import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mgf1, oaepDecode, type OaepHashName } from "../../wasm-hsm/bridge/ops/oaep-decode.ts";
import { rsaDecryptVectors } from "./support/vectors.ts";

function rawRsa(key: KeyObject, ciphertext: Buffer): Buffer {
  return privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
}

/** Raw RSA refuses a ciphertext ≥ n (RFC 8017 §5.1.2 step 1), as the token does: a failure before decoding. */
function rawRsaOrUndefined(key: KeyObject, ciphertext: Buffer): Buffer | undefined {
  try {
    return ciphertext.length === 256 ? rawRsa(key, ciphertext) : undefined;
  } catch {
    return undefined;
  }
}

describe.each([
  { file: "rsa-oaep-sha256-wycheproof.json", hash: "sha256" as const },
  { file: "rsa-oaep-sha1-wycheproof.json", hash: "sha1" as const },
])("Wycheproof $file", ({ file, hash }) => {
  const vectors = rsaDecryptVectors(file);
  const key = createPrivateKey({ key: { ...vectors.privateKeyJwk }, format: "jwk" });
  it.each(vectors.tests.map((test) => [test.tcId, test] as const))("tcId %i", (_tcId, test) => {
    const ciphertext = Buffer.from(test.ct, "hex");
    const em = rawRsaOrUndefined(key, ciphertext);
    const decoded = em === undefined ? undefined : oaepDecode(em, 256, hash);
    if (test.result === "valid") expect(decoded?.toString("hex")).toBe(test.msg);
    else expect(decoded).toBeUndefined();
  });
});

describe("random messages, every hash, against OpenSSL's encoder", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  it.each(["sha1", "sha256", "sha384", "sha512"] as const)("%s", (hash: OaepHashName) => {
    const hLen = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash];
    for (const length of [0, 1, 17, 256 - 2 * hLen - 2]) {
      const message = randomBytes(length);
      const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, message);
      expect(oaepDecode(rawRsa(privateKey, ciphertext), 256, hash)?.equals(message)).toBe(true);
    }
  });

  it("refuses every single-bit change of a valid encoding", () => {
    const message = randomBytes(10);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, message);
    const em = rawRsa(privateKey, ciphertext);
    for (const index of [0, 1, 20, 32, 33, 64, 100, 200, 255]) {
      const flipped = Buffer.from(em);
      flipped[index] = (flipped[index] ?? 0) ^ 0x01;
      expect(oaepDecode(flipped, 256, "sha256"), `byte ${index}`).toBeUndefined();
    }
  });

  it("puts back leading zero bytes the raw RSA result may lack (I2OSP)", () => {
    const message = randomBytes(5);
    for (let attempt = 0; attempt < 64; attempt += 1) {
      const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, message);
      const em = rawRsa(privateKey, ciphertext);
      expect(em[0]).toBe(0);
      expect(oaepDecode(em.subarray(1), 256, "sha256")?.equals(message)).toBe(true);
    }
  });

  it("refuses a modulus too small for the hash and an encoding longer than the modulus", () => {
    expect(oaepDecode(Buffer.alloc(64), 64, "sha512")).toBeUndefined();
    expect(oaepDecode(Buffer.alloc(257), 256, "sha256")).toBeUndefined();
  });
});

describe("MGF1 (RFC 8017 §B.2.1)", () => {
  // The worked examples on Wikipedia's "Mask generation function" page (also reproduced with Python's hashlib).
  it("matches the published examples", () => {
    expect(mgf1(Buffer.from("foo"), 3, "sha1").toString("hex")).toBe("1ac907");
    expect(mgf1(Buffer.from("bar"), 50, "sha256").toString("hex")).toBe(
      "382576a7841021cc28fc4c0948753fb8312090cea942ea4c4e735d10dc724b155f9f6069f289d61daca0cb814502ef04eae1",
    );
  });
});
