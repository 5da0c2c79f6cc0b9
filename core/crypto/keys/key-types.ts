/**
 * The key material we store, as JWKs (RFC 7517 §4, RFC 7518 §6), and the table of what Azure lets a
 * key be: types, sizes, curves and the `key_ops` a created key gets when the request names none.
 * Every member is a base64url string (RFC 7518 §2 Base64urlUInt for integers; fixed-length octets
 * for EC coordinates and `d`, RFC 7518 §6.2.1.2 / §6.2.2.1).
 */

export interface RsaPublicJwk {
  readonly kty: "RSA";
  readonly n: string;
  readonly e: string;
}

export interface RsaPrivateJwk extends RsaPublicJwk {
  readonly d: string;
  readonly p: string;
  readonly q: string;
  readonly dp: string;
  readonly dq: string;
  readonly qi: string;
}

/** JWK `crv` names as Azure spells them (JsonWebKeyCurveName in keys.json); P-256K is secp256k1 (SEC 2 §2.4.1). */
export type EcCurve = "P-256" | "P-384" | "P-521" | "P-256K";

export interface EcPublicJwk {
  readonly kty: "EC";
  readonly crv: EcCurve;
  readonly x: string;
  readonly y: string;
}

export interface EcPrivateJwk extends EcPublicJwk {
  readonly d: string;
}

/** A symmetric key. Azure never returns `k` (Keys – Get: "no key material is released" for oct). */
export interface OctKey {
  readonly kty: "oct";
  readonly k: string;
}

export type PrivateJwk = RsaPrivateJwk | EcPrivateJwk | OctKey;
export type PublicJwk = RsaPublicJwk | EcPublicJwk;

/** The three families; `-HSM` is a protection level chosen by the caller, not a different key shape. */
export type KeyFamily = PrivateJwk["kty"];

/** JsonWebKeyOperation in keys.json (2025-07-01). */
export type KeyOperation = "encrypt" | "decrypt" | "sign" | "verify" | "wrapKey" | "unwrapKey" | "import" | "export";

export type RsaKeySize = 2048 | 3072 | 4096;
export type OctKeySize = 128 | 192 | 256;

export interface CurveDescriptor {
  /** Octets of x, y and d: ceil(log2(order)/8) (RFC 7518 §6.2.1.2, §6.2.2.1). */
  readonly coordinateBytes: number;
}

/**
 * Azure's sizes and curves: RSA 2K/3K/4K and EC P-256/P-256K/P-384/P-521
 * (MicrosoftDocs/azure-security-docs articles/key-vault/keys/about-keys-details.md); oct 128/192/256
 * (Managed HSM about-keys-details, keys.json A128*…A256* algorithms). RSA-1024 is refused
 * ("we don't support RSA1024", Azure/azure-cli#2613).
 */
export const KEY_TYPES = {
  RSA: {
    sizes: [2048, 3072, 4096] as const satisfies readonly RsaKeySize[],
    // CreateKey `{"kty":"RSA"}` answered with a 256-octet n (recording below).
    defaultSize: 2048 as RsaKeySize,
    // Azure/azure-sdk-for-js sdk/keyvault/keyvault-keys/recordings/node/keys_client__list_keys_in_various_ways/
    // recording_can_get_several_inserted_keys.js and …/recording_can_create_a_rsa_key_with_public_exponent.json:
    // POST /keys/{name}/create {"kty":"RSA"} → key_ops in this order (RSA-HSM recordings give the same list).
    defaultKeyOps: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"] as const satisfies readonly KeyOperation[],
  },
  EC: {
    curves: {
      "P-256": { coordinateBytes: 32 },
      "P-384": { coordinateBytes: 48 },
      "P-521": { coordinateBytes: 66 },
      "P-256K": { coordinateBytes: 32 },
    } as const satisfies Record<EcCurve, CurveDescriptor>,
    // Same SDK's keys_client__create_read_update_and_delete_operations/recording_can_create_an_ec_key.js:
    // {"kty":"EC"} → crv P-256, key_ops ["sign","verify"] (also for P-256K in the ES256K recordings).
    defaultCurve: "P-256" as EcCurve,
    defaultKeyOps: ["sign", "verify"] as const satisfies readonly KeyOperation[],
  },
  oct: {
    sizes: [128, 192, 256] as const satisfies readonly OctKeySize[],
    // Azure does not echo an oct key's size; 256 is our choice (AES-256, the Managed HSM examples' size).
    defaultSize: 256 as OctKeySize,
    // Same SDK, Managed HSM recording recording_can_create_an_oct_key_with_options.js:
    // {"kty":"oct-HSM"} → key_ops ["wrapKey","unwrapKey","decrypt","encrypt"] (order as created).
    defaultKeyOps: ["wrapKey", "unwrapKey", "decrypt", "encrypt"] as const satisfies readonly KeyOperation[],
  },
} as const;

/** Azure's `kty` values (JsonWebKeyType) and the family and protection each stands for. */
export const AZURE_KEY_TYPES = {
  RSA: { family: "RSA", hsm: false },
  "RSA-HSM": { family: "RSA", hsm: true },
  EC: { family: "EC", hsm: false },
  "EC-HSM": { family: "EC", hsm: true },
  oct: { family: "oct", hsm: false },
  "oct-HSM": { family: "oct", hsm: true },
} as const satisfies Record<string, { family: KeyFamily; hsm: boolean }>;

export type AzureKeyType = keyof typeof AZURE_KEY_TYPES;

/**
 * Public exponents we generate with. workerd's WebCrypto accepts exactly these ("The publicExponent
 * must be either 3 or 65537", measured). Azure vaults ignore `public_exponent: 3` and return AQAB
 * (a to-do note in azure-sdk-for-java KeyAsyncClientTest: "sets the JWK's e parameter to AQAB instead of Aw"),
 * Managed HSM honours it (KeyClientManagedHsmTest asserts e = 3); we honour it like Managed HSM.
 */
export const RSA_GENERATION_EXPONENTS = [3, 65537] as const;
export const DEFAULT_RSA_PUBLIC_EXPONENT = 65537;

/** The `key_ops` Azure gives a created key of this family when the request has none. */
export function defaultKeyOps(family: KeyFamily): KeyOperation[] {
  return [...KEY_TYPES[family].defaultKeyOps];
}

export function isEcCurve(value: unknown): value is EcCurve {
  return typeof value === "string" && Object.hasOwn(KEY_TYPES.EC.curves, value);
}

export function isRsaKeySize(value: unknown): value is RsaKeySize {
  return KEY_TYPES.RSA.sizes.some((size) => size === value);
}

export function isOctKeySize(value: unknown): value is OctKeySize {
  return KEY_TYPES.oct.sizes.some((size) => size === value);
}

export function isAzureKeyType(value: unknown): value is AzureKeyType {
  return typeof value === "string" && Object.hasOwn(AZURE_KEY_TYPES, value);
}

/** Azure's wording for a size it refuses (BadParameter, innererror KeySizeNotSupported; MicrosoftDocs/azure-docs#115129). */
export function unsupportedSizeMessage(size: number, supported: readonly number[]): string {
  return `Unsupported key size (${size}). Supported sizes are [${supported.join(", ")}]`;
}

export function unsupportedCurveMessage(crv: string): string {
  return `Unsupported curve (${crv}). Supported curves are [${Object.keys(KEY_TYPES.EC.curves).join(", ")}]`;
}
