import { describe, expect, it } from "vitest";
import { assertKeyTypeAllowed } from "../../core/crypto/keys/generate-for-spec.ts";
import type { AzureKeyType } from "../../core/crypto/keys/key-types.ts";
import type { VaultConfig, VaultSku } from "../../core/domain/vault/vault-config.ts";

const config = (sku: VaultSku): VaultConfig => ({ name: "v", tenantId: "t", retentionDays: 90, purgeProtection: false, sku, created: 0 });

function refusal(sku: VaultSku, kty: AzureKeyType, bridge: boolean): string | undefined {
  try {
    assertKeyTypeAllowed(config(sku), kty, bridge);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("assertKeyTypeAllowed", () => {
  it("a standard vault holds software keys only, a premium vault both (with a bridge)", () => {
    expect(refusal("standard", "RSA", true)).toBeUndefined();
    expect(refusal("standard", "RSA-HSM", true)).toBe("Hardware key operation not allowed on standard vault.");
    expect(refusal("premium", "EC", true)).toBeUndefined();
    expect(refusal("premium", "EC-HSM", true)).toBeUndefined();
    expect(refusal("premium", "oct-HSM", false)).toMatch(/PKCS#11 bridge/);
  });

  it("a managed HSM holds HSM keys only", () => {
    for (const kty of ["RSA-HSM", "EC-HSM", "oct-HSM"] as const) expect(refusal("managedHSM", kty, true)).toBeUndefined();
    for (const kty of ["RSA", "EC", "oct"] as const) {
      expect(refusal("managedHSM", kty, true)).toBe(`A managed HSM holds HSM-protected keys only: ${kty} is not supported; use ${kty}-HSM.`);
    }
  });
});
