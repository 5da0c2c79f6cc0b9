/**
 * The bridge's JSON bodies, endpoint by endpoint: one definition the bridge validates against and the client is
 * typed by. Binary values are unpadded base64url strings (RFC 4648 §5), as in Azure's key operations; algorithm
 * and curve names are Azure's (JsonWebKeySignatureAlgorithm, JsonWebKeyEncryptionAlgorithm, JsonWebKeyCurveName),
 * because the vault is the one caller and passes them through. The JWK shapes and curve names are the vault's own
 * (core/crypto/keys/key-types.ts), re-exported here so the protocol reads from one import; the algorithm lists are
 * checked against the vault's descriptor tables.
 */
import type { EcCurve, EcPrivateJwk, OctKey, PublicJwk, RsaPrivateJwk } from "../../crypto/keys/key-types.ts";
import type { EncryptionAlgorithmOf } from "../../crypto/encrypt/encryption-algorithms.ts";
import type { SignatureAlgorithm } from "../../crypto/sign/signature-algorithms.ts";
import type { KeyExportAlgorithm } from "../../crypto/release/export-algorithms.ts";

export type { EcCurve, EcPrivateJwk, OctKey, PublicJwk, RsaPrivateJwk };

export const KEY_TYPES = ["RSA", "EC", "oct"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];
/** P-256K is Azure's name for secp256k1 (SEC 2 §2.4.1). */
export const CURVES = ["P-256", "P-384", "P-521", "P-256K"] as const satisfies readonly EcCurve[];
export const AES_KEY_SIZES = [128, 192, 256] as const;
export type AesKeySize = (typeof AES_KEY_SIZES)[number];
/** What an oct key is for: AES (encrypt, decrypt, wrap, unwrap) or HMAC (HS256/384/512 sign). */
export const OCT_PURPOSES = ["aes", "hmac"] as const;
export type OctPurpose = (typeof OCT_PURPOSES)[number];
/** RFC 7518 §3.2: an HS* key is at least as long as the hash output, so HMAC keys start at 256 bits. */
export const HMAC_KEY_SIZES = [256, 384, 512] as const;
export type HmacKeySize = (typeof HMAC_KEY_SIZES)[number];

/**
 * Secure key release (docs/key-release.md): an exportable key is made CKA_EXTRACTABLE — still CKA_SENSITIVE, so its
 * value is never readable, but the token will wrap it (C_WrapKey) for `POST /keys/{id}/release-wrap`. Absent or
 * false: never extractable, as before. PKCS#11 v2.40 §4.9: CKA_EXTRACTABLE can be turned off later, never on.
 */
export interface Exportability {
  readonly exportable?: boolean;
}

/** oct: `purpose` absent is "aes", so callers from before HMAC keys are unchanged. */
export type GenerateKeyRequest = Exportability &
  (
    | { readonly kty: "RSA"; readonly size: RsaKeySize }
    | { readonly kty: "EC"; readonly curve: EcCurve }
    | { readonly kty: "oct"; readonly size: AesKeySize; readonly purpose?: "aes" }
    | { readonly kty: "oct"; readonly size: HmacKeySize; readonly purpose: "hmac" }
  );

/** Plaintext import (Azure's ImportKey with `hsm: true`): the material enters the token and never leaves it. */
export interface ImportKeyRequest extends Exportability {
  readonly jwk: RsaPrivateJwk | EcPrivateJwk | OctKey;
  /** oct only; absent = "aes". HMAC keys are 256, 384 or 512 bits. Refused (BadParameter) on RSA/EC jwks. */
  readonly purpose?: OctPurpose;
}

/**
 * BYOK ("Bring your own key specification"): what the vault declares the wrapped target key to be. RSA and EC
 * targets are PKCS#8 (RFC 5208; EC inside it per RFC 5915), oct targets the raw 16, 24 or 32 bytes of an AES key.
 */
export type ByokTarget = { readonly kty: "RSA" } | { readonly kty: "EC"; readonly curve: EcCurve } | { readonly kty: "oct" };
/** `POST /keys/{kekId}/import-byok`: the .byok file's ciphertext, unwrapped on the token under the KEK. */
export interface ImportByokRequest extends Exportability {
  /** CKM_RSA_AES_KEY_WRAP output: RSA-OAEP-SHA1(KEK, ephemeral AES key) ‖ AES-KWP (RFC 5649)(ephemeral, target). */
  readonly ciphertext: string;
  readonly target: ByokTarget;
}

/** What generate, import, import-byok and `GET /keys/{id}` answer. `id` is the random CKA_ID the vault stores. */
export type KeyInfo =
  | { readonly id: string; readonly kty: "RSA"; readonly size: number; readonly publicJwk: PublicJwk }
  | { readonly id: string; readonly kty: "EC"; readonly curve: EcCurve; readonly publicJwk: PublicJwk }
  | { readonly id: string; readonly kty: "oct"; readonly size: number; readonly purpose: OctPurpose };

export interface PublicKeyResponse {
  readonly id: string;
  readonly jwk: PublicJwk;
}

export const SIGN_ALGORITHMS = [
  "RS256", "RS384", "RS512", "RSNULL", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K",
  "HS256", "HS384", "HS512",
] as const satisfies readonly SignatureAlgorithm[];
export type SignAlgorithm = (typeof SIGN_ALGORITHMS)[number];

export interface SignRequest {
  readonly alg: SignAlgorithm;
  /**
   * The digest the caller computed (Azure signs digests); RSNULL: the bytes to pad and sign as they are; HS*: the
   * digest too, which is what the MAC is computed over.
   */
  readonly digest: string;
}
export interface SignResponse {
  readonly signature: string;
}

export const RSA_CIPHER_ALGORITHMS = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"] as const satisfies readonly EncryptionAlgorithmOf<"rsa">[];
export type RsaCipherAlgorithm = (typeof RSA_CIPHER_ALGORITHMS)[number];
export const AES_CIPHER_ALGORITHMS = [
  "A128GCM", "A192GCM", "A256GCM", "A128CBC", "A192CBC", "A256CBC", "A128CBCPAD", "A192CBCPAD", "A256CBCPAD",
] as const satisfies readonly EncryptionAlgorithmOf<"aes-gcm" | "aes-cbc">[];
export type AesCipherAlgorithm = (typeof AES_CIPHER_ALGORITHMS)[number];
export type CipherAlgorithm = RsaCipherAlgorithm | AesCipherAlgorithm;

export interface EncryptRequest {
  readonly alg: CipherAlgorithm;
  readonly plaintext: string;
  /** CBC: 16 bytes, made by the bridge when absent. GCM: refused — the bridge makes every GCM IV. */
  readonly iv?: string;
  /** GCM only. */
  readonly aad?: string;
}
export interface EncryptResponse {
  readonly ciphertext: string;
  readonly iv?: string;
  /** GCM: the 16-byte tag, apart from the ciphertext as Azure returns it. */
  readonly tag?: string;
}

export interface DecryptRequest {
  readonly alg: CipherAlgorithm;
  readonly ciphertext: string;
  readonly iv?: string;
  readonly aad?: string;
  readonly tag?: string;
}
export interface DecryptResponse {
  readonly plaintext: string;
}

export const AES_WRAP_ALGORITHMS = ["A128KW", "A192KW", "A256KW", "CKM_AES_KEY_WRAP", "CKM_AES_KEY_WRAP_PAD"] as const satisfies readonly EncryptionAlgorithmOf<"aes-kw">[];
export type AesWrapAlgorithm = (typeof AES_WRAP_ALGORITHMS)[number];
export type WrapAlgorithm = AesWrapAlgorithm | RsaCipherAlgorithm;

export interface WrapRequest {
  readonly alg: WrapAlgorithm;
  /** The key bytes to wrap. */
  readonly key: string;
}
export interface WrapResponse {
  readonly wrapped: string;
}
export interface UnwrapRequest {
  readonly alg: WrapAlgorithm;
  readonly wrapped: string;
}
export interface UnwrapResponse {
  readonly key: string;
}

/**
 * Secure key release of an exportable key, wrapped inside the token (docs/key-release.md "HSM keys"): CKM_RSA_AES_KEY_WRAP
 * done as its two steps — C_WrapKey of a fresh session AES-256 key with RSA-OAEP under `target`, then C_WrapKey of the
 * key with that AES key (RFC 5649) — so the key is never outside the token in the clear. Names and OAEP hashes are
 * Azure's KeyEncryptionAlgorithm (core/crypto/release/export-algorithms.ts).
 */
export const RELEASE_WRAP_ALGORITHMS = ["CKM_RSA_AES_KEY_WRAP", "RSA_AES_KEY_WRAP_256", "RSA_AES_KEY_WRAP_384"] as const satisfies readonly KeyExportAlgorithm[];
export type ReleaseWrapAlgorithm = (typeof RELEASE_WRAP_ALGORITHMS)[number];
export interface ReleaseWrapRequest {
  readonly enc: ReleaseWrapAlgorithm;
  /** The attested workload's RSA public key (modulus and exponent, base64url), at least 2048 bits. */
  readonly target: { readonly n: string; readonly e: string };
}
export interface ReleaseWrapResponse {
  /** OAEP(target, K) ‖ RFC 5649 wrap under K of the key: PKCS#8 DER for RSA and EC keys, the raw bytes for oct. */
  readonly ciphertext: string;
}

/**
 * Key attestation (docs/key-release.md "Key attestation"): statements about the key's objects as the token reports
 * them, each a compact JWS (RFC 7515 §7.1, ES256) signed inside the token by its attestation key, whose self-signed
 * certificate comes with them. What the bridge attests is what the PKCS#11 module says — SoftHSM2 is software — not
 * a hardware vendor's evidence.
 */
export const KEY_ATTESTATION_VERSION = "PKCS11-BRIDGE-1" as const;
/** The vault's name for the key version (its kid), at most this long; carried under the signature. */
export const MAX_ATTESTATION_SUBJECT_CHARS = 1024;
export interface KeyAttestationRequest {
  readonly subject: string;
}
export interface KeyAttestationStatement {
  readonly version: typeof KEY_ATTESTATION_VERSION;
  /** When the token was asked (seconds since the epoch, the bridge's clock). */
  readonly iat: number;
  /** The request's subject: the vault's claim that this token key is that key version. */
  readonly subject: string;
  /** The key's CKA_ID, base64url: the token objects the statement is about. */
  readonly keyId: string;
  readonly object: "private" | "secret" | "public";
  readonly kty: KeyType;
  readonly size?: number;
  readonly crv?: EcCurve;
  /** RFC 7638 SHA-256 thumbprint of the key's public JWK (RSA and EC). */
  readonly jwkThumbprint?: string;
  /** The public key itself, in the public object's statement. */
  readonly jwk?: PublicJwk;
  /** PKCS#11 attribute names → values read from the object: flags as booleans, CKA_CLASS/CKA_KEY_TYPE by name. */
  readonly attributes: Readonly<Record<string, string | boolean>>;
  readonly token: HealthResponse["token"];
  readonly module: HealthResponse["module"];
}
export interface KeyAttestationResponse {
  readonly version: typeof KEY_ATTESTATION_VERSION;
  /** The attestation key's self-signed certificate, PEM (RFC 7468). */
  readonly certificatePem: string;
  /** JWS over the private key's (RSA, EC) or secret key's (oct) statement. */
  readonly privateKeyAttestation: string;
  /** JWS over the public key's statement; absent for oct keys, which have none. */
  readonly publicKeyAttestation?: string;
}

export interface DeleteKeyResponse {
  readonly id: string;
  readonly deleted: true;
}

/** C_GenerateRandom; Azure's Managed HSM `POST /rng` allows 1–128 bytes per call. */
export const MAX_RANDOM_BYTES = 128;
export interface RandomRequest {
  readonly count: number;
}
export interface RandomResponse {
  readonly bytes: string;
}

/** How an operation the token lacks natively is done (docs/decisions.md §4.1), so callers and tests can see the path. */
export type ImplementationPath = "native" | "emulated";
/**
 * BYOK unwrapping: `two-step` is CKM_RSA_PKCS_OAEP then CKM_AES_KEY_WRAP_PAD, both inside the token (the BYOK spec
 * calls it equivalent to CKM_RSA_AES_KEY_WRAP); `unavailable` when the token cannot, since the spec forbids the
 * target key in plaintext outside an HSM.
 */
export type ByokUnwrapPath = "two-step" | "unavailable";

export interface HealthResponse {
  readonly status: "ok";
  readonly module: {
    readonly path: string;
    readonly manufacturer: string;
    readonly description: string;
    readonly cryptokiVersion: string;
    readonly libraryVersion: string;
  };
  readonly token: {
    readonly label: string;
    readonly manufacturer: string;
    readonly model: string;
    readonly serialNumber: string;
    readonly hardwareVersion: string;
    readonly firmwareVersion: string;
  };
  /** CKM_* names (hex for mechanisms without a standard name), as the token lists them. */
  readonly mechanisms: readonly string[];
  readonly paths: {
    readonly rsaOaepSha256: ImplementationPath;
    readonly aesKeyWrapPad: ImplementationPath;
    readonly rsaAesKeyWrap: ByokUnwrapPath;
  };
  /** This process's session pool. */
  readonly sessions: { readonly size: number; readonly idle: number; readonly waiting: number };
  /** Which process answered (one of `workers`, each with its own sessions). */
  readonly process: { readonly pid: number; readonly workers: number };
}

export const ERROR_CODES = [
  "Unauthorized",
  "BadParameter",
  "KeyNotFound",
  "NotFound",
  "MethodNotAllowed",
  "PayloadTooLarge",
  "IdempotencyKeyReused",
  "IdempotencyKeyInFlight",
  "Unavailable",
  "InternalError",
] as const;
export type BridgeErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  readonly error: { readonly code: BridgeErrorCode; readonly message: string };
}
