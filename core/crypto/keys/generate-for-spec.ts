import { VaultError } from "../../errors/vault-error.ts";
import { generateEc, generateOct, generateRsa } from "./generate-key.ts";
import { AZURE_KEY_TYPES, KEY_TYPES, type AzureKeyType, type EcCurve, type PrivateJwk } from "./key-types.ts";
import { base64UrlToBytes } from "../bytes.ts";
import type { VaultConfig } from "../../domain/vault/vault-config.ts";
import type { KeyCreateSpec } from "../../contract/keys.ts";

/**
 * HSM-class keys are delegated to the PKCS#11 bridge (wasm-hsm/). A standard vault refuses them as Azure does
 * ("Hardware key operation not allowed on standard vault", azure-sdk-for-net#6551); a premium vault accepts
 * them when this deployment has a bridge. A managed HSM holds nothing else (Managed HSM supports only
 * HSM-protected keys: RSA-HSM, EC-HSM, oct-HSM).
 */
export function assertKeyTypeAllowed(config: VaultConfig, kty: AzureKeyType, hsmBridge: boolean): void {
  if (!AZURE_KEY_TYPES[kty].hsm) {
    if (config.sku === "managedHSM") {
      throw new VaultError("BadParameter", `A managed HSM holds HSM-protected keys only: ${kty} is not supported; use ${kty}-HSM.`);
    }
    return;
  }
  if (config.sku === "standard") throw new VaultError("BadParameter", "Hardware key operation not allowed on standard vault.");
  if (!hsmBridge) throw new VaultError("BadParameter", "HSM-protected keys need the PKCS#11 bridge, which is not configured for this vault.");
}

/**
 * The key type a vault makes of the one asked for: a managed HSM holds HSM-protected keys only, and Azure's takes
 * `RSA`, `EC` and `oct` there as `RSA-HSM`, `EC-HSM` and `oct-HSM` (recorded Managed HSM responses:
 * {"kty":"RSA"} → "RSA-HSM"; an imported "oct" key → "oct-HSM").
 */
export function keyTypeFor(config: Pick<VaultConfig, "sku">, kty: AzureKeyType): AzureKeyType {
  if (config.sku !== "managedHSM" || AZURE_KEY_TYPES[kty].hsm) return kty;
  return `${AZURE_KEY_TYPES[kty].family}-HSM`;
}

export interface GeneratedKey {
  readonly jwk: PrivateJwk;
  readonly keySize?: number;
  readonly crv?: EcCurve;
}

/**
 * Generates key material for a spec. Awaited before any storage access: RSA-4096 takes ~0.6 s and must
 * not be held between a read and the write that depends on it (docs/decisions.md §3.4).
 */
export async function generateKey(spec: KeyCreateSpec): Promise<GeneratedKey> {
  switch (AZURE_KEY_TYPES[spec.kty].family) {
    case "RSA": {
      const keySize = spec.keySize ?? KEY_TYPES.RSA.defaultSize;
      return { jwk: await generateRsa(keySize, spec.publicExponent), keySize };
    }
    case "EC": {
      const crv = spec.crv ?? KEY_TYPES.EC.defaultCurve;
      return { jwk: generateEc(crv), crv };
    }
    case "oct": {
      const keySize = spec.keySize ?? KEY_TYPES.oct.defaultSize;
      return { jwk: generateOct(keySize), keySize };
    }
  }
}

/** The public exponent of an RSA key as an integer, so rotation generates the same kind of key. */
export function publicExponentOf(e: string): number {
  const bytes = base64UrlToBytes(e) ?? new Uint8Array();
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}
