/**
 * A premium vault in a deployment without a PKCS#11 bridge (this tier has none): -HSM key types, Hsm imports and
 * BYOK are refused with a reason and nothing is stored; software keys work as in any vault. The HSM paths
 * themselves run against a real bridge in the conformance tier (test/conformance/hsm-*.test.ts).
 */
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { EC_P256_JWK, b64u, expectKvError, expectOk, keyVault } from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

const NO_BRIDGE = "HSM-protected keys need the PKCS#11 bridge, which is not configured for this vault.";

describe("premium vault without a bridge", () => {
  it("refuses -HSM types, Hsm imports and BYOK with the reason, stores nothing, and keeps software keys working", async () => {
    const { kv } = await keyVault("prem", "Key Vault Administrator", { sku: "premium" });
    for (const kty of ["RSA-HSM", "EC-HSM", "oct-HSM"]) {
      expect(expectKvError(await kv.json("POST", "/keys/h/create", { kty }), 400, "BadParameter").message, kty).toBe(NO_BRIDGE);
    }
    expect(expectKvError(await kv.json("PUT", "/keys/h", { key: EC_P256_JWK, Hsm: true }), 400, "BadParameter").message).toBe(NO_BRIDGE);

    const kek = expectOk(await kv.json<{ key: { kid: string } }>("POST", "/keys/kek/create", { kty: "RSA", key_ops: ["import"] }));
    const transfer = {
      schema_version: "1.0.0",
      header: { kid: kek.key.kid, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" },
      ciphertext: b64u(new Uint8Array(296)),
    };
    const byok = { key: { kty: "EC-HSM", crv: "P-256", key_hsm: b64u(new TextEncoder().encode(JSON.stringify(transfer))) } };
    expect(expectKvError(await kv.json("PUT", "/keys/h", byok), 400, "BadParameter").message).toBe(NO_BRIDGE);

    expectKvError(await kv.json("GET", "/keys/h"), 404, "KeyNotFound");
    expect(expectOk(await kv.json<{ key: { kty: string } }>("POST", "/keys/soft/create", { kty: "EC" })).key.kty).toBe("EC");
  });
});
