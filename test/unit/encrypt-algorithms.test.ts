/**
 * The encryption/key-wrap descriptor table and its named assertions: which operation takes which
 * algorithm, key type and size rules, and the iv/tag rules, each refusal a BadParameter.
 */
import { describe, expect, it } from "vitest";
import {
  ENCRYPTION_ALGORITHMS,
  assertBlockMultiple,
  assertEncryptIv,
  assertEncryptionAlgorithm,
  assertIvLength,
  assertKeySize,
  assertKeyTypeFor,
  assertOperationAllowed,
  assertTagLength,
  type EncryptionAlgorithm,
  type KeyOperation,
} from "../../core/crypto/encrypt/encryption-algorithms.ts";
import { prepareAesKey } from "../../core/crypto/encrypt/aes-key.ts";
import { badParameterAsync as expectBadParameter } from "../support/bad-parameter.ts";

// keys.json 2025-07-01 JsonWebKeyEncryptionAlgorithm, every value.
const ALL: readonly EncryptionAlgorithm[] = [
  "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "A128GCM", "A192GCM", "A256GCM", "A128KW", "A192KW", "A256KW",
  "A128CBC", "A192CBC", "A256CBC", "A128CBCPAD", "A192CBCPAD", "A256CBCPAD", "CKM_AES_KEY_WRAP", "CKM_AES_KEY_WRAP_PAD",
];
const CIPHER_ONLY = ["A128GCM", "A192GCM", "A256GCM", "A128CBC", "A192CBC", "A256CBC", "A128CBCPAD", "A192CBCPAD", "A256CBCPAD"] as const;
const WRAP_ONLY = ["A128KW", "A192KW", "A256KW", "CKM_AES_KEY_WRAP", "CKM_AES_KEY_WRAP_PAD"] as const;
const RSA = ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] as const;
const OPS: readonly KeyOperation[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];

describe("the descriptor table", () => {
  it("has exactly Azure's seventeen algorithms", () => {
    expect(Object.keys(ENCRYPTION_ALGORITHMS).sort()).toEqual([...ALL].sort());
  });

  it("names the OAEP hashes the Azure docs give: RSA-OAEP is SHA-1, RSA-OAEP-256 is SHA-256", () => {
    expect(ENCRYPTION_ALGORITHMS["RSA-OAEP"]).toMatchObject({ padding: "oaep", hash: "SHA-1" });
    expect(ENCRYPTION_ALGORITHMS["RSA-OAEP-256"]).toMatchObject({ padding: "oaep", hash: "SHA-256" });
    expect(ENCRYPTION_ALGORITHMS.RSA1_5).toMatchObject({ padding: "pkcs1", hash: null });
  });

  it("fixes GCM at a 12-byte iv and 16-byte tag, CBC at a 16-byte iv", () => {
    expect(ENCRYPTION_ALGORITHMS.A192GCM).toMatchObject({ ivBytes: 12, tagBytes: 16, keyBits: 192 });
    expect(ENCRYPTION_ALGORITHMS.A256CBCPAD).toMatchObject({ ivBytes: 16, padding: "pkcs7", keyBits: 256 });
    expect(ENCRYPTION_ALGORITHMS.A128CBC).toMatchObject({ padding: "zero" });
    expect(ENCRYPTION_ALGORITHMS.CKM_AES_KEY_WRAP_PAD).toMatchObject({ keyBits: null, padded: true });
  });
});

describe("assertEncryptionAlgorithm", () => {
  it.each(ALL)("accepts %s", (alg) => expect(assertEncryptionAlgorithm(alg)).toBe(alg));
  it.each(["rsa-oaep", "A128KWP", "RSA-OAEP-384", "", "toString", "__proto__", 5, null, undefined])("refuses %j", async (value) => {
    await expectBadParameter(() => assertEncryptionAlgorithm(value));
  });
});

describe("assertOperationAllowed", () => {
  it.each(RSA)("%s is valid for all four operations", (alg) => {
    for (const op of OPS) expect(assertOperationAllowed(alg, op).family).toBe("rsa");
  });
  it.each(CIPHER_ONLY)("%s is for encrypt/decrypt only", async (alg) => {
    assertOperationAllowed(alg, "encrypt");
    assertOperationAllowed(alg, "decrypt");
    await expectBadParameter(() => assertOperationAllowed(alg, "wrapKey"));
    await expectBadParameter(() => assertOperationAllowed(alg, "unwrapKey"));
  });
  it.each(WRAP_ONLY)("%s is for wrapKey/unwrapKey only", async (alg) => {
    assertOperationAllowed(alg, "wrapKey");
    assertOperationAllowed(alg, "unwrapKey");
    await expectBadParameter(() => assertOperationAllowed(alg, "encrypt"));
    await expectBadParameter(() => assertOperationAllowed(alg, "decrypt"));
  });
});

describe("key type and size", () => {
  it("matches RSA algorithms to RSA keys and AES algorithms to oct keys", async () => {
    assertKeyTypeFor("RSA-OAEP", "RSA-HSM");
    assertKeyTypeFor("A256GCM", "oct-HSM");
    await expectBadParameter(() => assertKeyTypeFor("RSA1_5", "oct"));
    await expectBadParameter(() => assertKeyTypeFor("A128KW", "RSA"));
    await expectBadParameter(() => assertKeyTypeFor("A128KW", "EC"));
  });

  it.each([
    ["A128GCM", 16],
    ["A192CBC", 24],
    ["A256CBCPAD", 32],
    ["A192KW", 24],
    ["CKM_AES_KEY_WRAP", 16],
    ["CKM_AES_KEY_WRAP", 24],
    ["CKM_AES_KEY_WRAP_PAD", 32],
  ] as const)("%s takes a %i-byte key", (alg, bytes) => expect(assertKeySize(alg, bytes)).toBe(bytes * 8));

  it.each([
    ["A128GCM", 32],
    ["A256GCM", 16],
    ["A192CBCPAD", 16],
    ["A256KW", 24],
    ["CKM_AES_KEY_WRAP", 20],
    ["CKM_AES_KEY_WRAP_PAD", 64],
    ["RSA-OAEP", 256],
  ] as const)("%s refuses a %i-byte key", async (alg, bytes) => {
    await expectBadParameter(() => assertKeySize(alg, bytes));
  });

  it("prepareAesKey refuses non-AES sizes", async () => {
    await expectBadParameter(() => prepareAesKey(new Uint8Array(20)));
    expect(prepareAesKey(new Uint8Array(24)).bits).toBe(192);
  });
});

describe("iv and tag rules", () => {
  it("checks iv lengths per algorithm", async () => {
    expect(assertIvLength("A128GCM", new Uint8Array(12)).length).toBe(12);
    expect(assertIvLength("A128CBC", new Uint8Array(16)).length).toBe(16);
    await expectBadParameter(() => assertIvLength("A128GCM", new Uint8Array(16)));
    await expectBadParameter(() => assertIvLength("A128CBCPAD", new Uint8Array(12)));
    await expectBadParameter(() => assertIvLength("A128CBC", undefined));
    await expectBadParameter(() => assertIvLength("RSA-OAEP", new Uint8Array(16)));
  });

  it("checks the GCM tag", async () => {
    expect(assertTagLength("A256GCM", new Uint8Array(16)).length).toBe(16);
    await expectBadParameter(() => assertTagLength("A256GCM", new Uint8Array(12)));
    await expectBadParameter(() => assertTagLength("A256GCM", undefined));
    await expectBadParameter(() => assertTagLength("A256CBC", new Uint8Array(16)));
  });

  it("on encrypt: GCM refuses a caller iv, CBC takes an optional 16-byte one, others ignore it", async () => {
    await expectBadParameter(() => assertEncryptIv("A256GCM", new Uint8Array(12)));
    expect(assertEncryptIv("A256GCM", undefined)).toBeUndefined();
    expect(assertEncryptIv("A256CBCPAD", new Uint8Array(16))?.length).toBe(16);
    expect(assertEncryptIv("A256CBCPAD", undefined)).toBeUndefined();
    await expectBadParameter(() => assertEncryptIv("A256CBC", new Uint8Array(15)));
    expect(assertEncryptIv("RSA-OAEP-256", new Uint8Array(16))).toBeUndefined();
  });

  it("assertBlockMultiple checks size and minimum", async () => {
    assertBlockMultiple(new Uint8Array(24), 8, "key to wrap", 16);
    await expectBadParameter(() => assertBlockMultiple(new Uint8Array(8), 8, "key to wrap", 16));
    await expectBadParameter(() => assertBlockMultiple(new Uint8Array(20), 8, "key to wrap"));
  });
});
