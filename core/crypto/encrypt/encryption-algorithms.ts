/**
 * The Key Vault encryption and key-wrap algorithms as one table of descriptors (docs/decisions.md §6.2),
 * and the named assertions a route runs before encrypt/decrypt/wrapKey/unwrapKey (§6.3).
 *
 * Which operation takes which algorithm. The REST spec gives all four operations the same
 * `KeyOperationsParameters` with one `JsonWebKeyEncryptionAlgorithm` enum (Azure/azure-rest-api-specs
 * specification/keyvault/data-plane/Microsoft.KeyVault/stable/2025-07-01/keys.json @ bbb9d3da), so
 * the split comes from the SDKs, which model the service: `KeyWrapAlgorithm` = A128KW/A192KW/A256KW,
 * RSA-OAEP, RSA-OAEP-256, RSA1_5, CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD, while `EncryptParameters`
 * is RSA | AES-GCM | AES-CBC(PAD) (Azure/azure-sdk-for-js sdk/keyvault/keyvault-keys
 * cryptographyClientModels.ts; .NET `EncryptParameters`/`KeyWrapAlgorithm`). RSA is valid for both
 * (docs: "WRAPKEY/UNWRAPKEY, ENCRYPT/DECRYPT", articles/key-vault/keys/about-keys-details.md).
 *
 * IV, tag and AAD (same sources, plus recorded service traffic):
 * - AES-GCM: the service makes the 96-bit IV ("For AES-GCM the service **must** generate the IV",
 *   keyvault-keys cryptographyClient.ts `initializeIV`; no SDK sends one) and returns `iv` and a
 *   128-bit `tag` (recording: `{"alg":"A256GCM","iv":"JBps4gx-Uniz-1xx","tag":"hacQmm-u4D1uD0Tsx9N45Q"}`).
 *   Decrypt needs both back, plus the same `aad`. Refusing a caller's GCM IV is our choice: what
 *   Azure does with one is not documented, and only the service can keep IVs unique under a key.
 * - AES-CBC(PAD): the caller may send a 16-byte IV; absent, one is generated and returned ("If
 *   omitted, the service will generate and return a secure nonce", keyvault-keys models). The JS
 *   SDK means to fill one in itself but tests `alg in [array]`, which is never true, so it sends none.
 *   `aad` is accepted and ignored (azure-sdk-for-python test_crypto_client.py encrypts CBC with aad).
 * - A*CBC without PAD zero-fills the last block: the .NET SDK uses `PaddingMode.Zeros`
 *   (Azure.Security.KeyVault.Keys/src/Cryptography/AesCbc.cs @ a8d0dc2d) and Python's live test
 *   encrypts a 200-byte value and expects "a zero-padded plaintext" back.
 */
import { VaultError } from "../../errors/vault-error.ts";

export type KeyOperation = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey";
export type AesKeyBits = 128 | 192 | 256;
export type OaepHash = "SHA-1" | "SHA-256";

export const AES_BLOCK_BYTES = 16;
/** NIST SP 800-38D §5.2.1.1: 96-bit IVs are the efficient, recommended size. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const CBC_IV_BYTES = AES_BLOCK_BYTES;
/** RFC 3394 §2: the key-wrap algorithms work on 64-bit semiblocks. */
export const KW_SEMIBLOCK_BYTES = 8;

const BOTH: readonly KeyOperation[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
const CIPHER: readonly KeyOperation[] = ["encrypt", "decrypt"];
const WRAP: readonly KeyOperation[] = ["wrapKey", "unwrapKey"];
const RSA_KTY = ["RSA", "RSA-HSM"] as const;
const OCT_KTY = ["oct", "oct-HSM"] as const;

export interface RsaEncryptionDescriptor {
  readonly alg: string;
  readonly family: "rsa";
  readonly keyTypes: readonly string[];
  readonly operations: readonly KeyOperation[];
  /** RFC 8017 §7.2 (RSAES-PKCS1-v1_5) or §7.1 (RSAES-OAEP, MGF1 with the same hash, empty label). */
  readonly padding: "pkcs1" | "oaep";
  readonly hash: OaepHash | null;
}
export interface AesGcmDescriptor {
  readonly alg: string;
  readonly family: "aes-gcm";
  readonly keyTypes: readonly string[];
  readonly operations: readonly KeyOperation[];
  readonly keyBits: AesKeyBits;
  readonly ivBytes: typeof GCM_IV_BYTES;
  readonly tagBytes: typeof GCM_TAG_BYTES;
}
export interface AesCbcDescriptor {
  readonly alg: string;
  readonly family: "aes-cbc";
  readonly keyTypes: readonly string[];
  readonly operations: readonly KeyOperation[];
  readonly keyBits: AesKeyBits;
  readonly ivBytes: typeof CBC_IV_BYTES;
  /** A*CBCPAD: PKCS#7 (RFC 5652 §6.3). A*CBC: zero fill on encrypt, nothing stripped on decrypt. */
  readonly padding: "pkcs7" | "zero";
}
export interface AesKeyWrapDescriptor {
  readonly alg: string;
  readonly family: "aes-kw";
  readonly keyTypes: readonly string[];
  readonly operations: readonly KeyOperation[];
  /** null: CKM_AES_KEY_WRAP(_PAD) (PKCS#11 v2.40 §2.14) take whatever AES key the vault holds. */
  readonly keyBits: AesKeyBits | null;
  /** RFC 5649 (KWP) instead of RFC 3394 (KW). */
  readonly padded: boolean;
}
export type EncryptionAlgorithmDescriptor =
  | RsaEncryptionDescriptor
  | AesGcmDescriptor
  | AesCbcDescriptor
  | AesKeyWrapDescriptor;

/** A row names itself, so the entry handed on (jose's style) says which algorithm it is. */
type Named<A extends string> = { readonly alg: A };

const rsa = <A extends string>(alg: A, padding: "pkcs1" | "oaep", hash: OaepHash | null): RsaEncryptionDescriptor & Named<A> => ({
  alg,
  family: "rsa",
  keyTypes: RSA_KTY,
  operations: BOTH,
  padding,
  hash,
});
const gcm = <A extends string>(alg: A, keyBits: AesKeyBits): AesGcmDescriptor & Named<A> => ({
  alg,
  family: "aes-gcm",
  keyTypes: OCT_KTY,
  operations: CIPHER,
  keyBits,
  ivBytes: GCM_IV_BYTES,
  tagBytes: GCM_TAG_BYTES,
});
const cbc = <A extends string>(alg: A, keyBits: AesKeyBits, padding: "pkcs7" | "zero"): AesCbcDescriptor & Named<A> => ({
  alg,
  family: "aes-cbc",
  keyTypes: OCT_KTY,
  operations: CIPHER,
  keyBits,
  ivBytes: CBC_IV_BYTES,
  padding,
});
const kw = <A extends string>(alg: A, keyBits: AesKeyBits | null, padded: boolean): AesKeyWrapDescriptor & Named<A> => ({
  alg,
  family: "aes-kw",
  keyTypes: OCT_KTY,
  operations: WRAP,
  keyBits,
  padded,
});

export const ENCRYPTION_ALGORITHMS = {
  RSA1_5: rsa("RSA1_5", "pkcs1", null),
  "RSA-OAEP": rsa("RSA-OAEP", "oaep", "SHA-1"),
  "RSA-OAEP-256": rsa("RSA-OAEP-256", "oaep", "SHA-256"),
  A128GCM: gcm("A128GCM", 128),
  A192GCM: gcm("A192GCM", 192),
  A256GCM: gcm("A256GCM", 256),
  A128CBC: cbc("A128CBC", 128, "zero"),
  A192CBC: cbc("A192CBC", 192, "zero"),
  A256CBC: cbc("A256CBC", 256, "zero"),
  A128CBCPAD: cbc("A128CBCPAD", 128, "pkcs7"),
  A192CBCPAD: cbc("A192CBCPAD", 192, "pkcs7"),
  A256CBCPAD: cbc("A256CBCPAD", 256, "pkcs7"),
  A128KW: kw("A128KW", 128, false),
  A192KW: kw("A192KW", 192, false),
  A256KW: kw("A256KW", 256, false),
  CKM_AES_KEY_WRAP: kw("CKM_AES_KEY_WRAP", null, false),
  CKM_AES_KEY_WRAP_PAD: kw("CKM_AES_KEY_WRAP_PAD", null, true),
} as const satisfies Readonly<Record<string, EncryptionAlgorithmDescriptor>>;

/** Only a table whose every row is named by its own key: `ENCRYPTION_ALGORITHMS[alg].alg === alg`. */
type SelfNamed<T extends { readonly [A in keyof T]: Named<A & string> }> = T;

export type EncryptionAlgorithm = keyof SelfNamed<typeof ENCRYPTION_ALGORITHMS>;
/**
 * One row of the table, looked up once by the caller and handed on (as jose hands its algorithm entries): switching
 * on `family` narrows `alg` with it, so no provider casts a name.
 */
export type EncryptionEntry = (typeof ENCRYPTION_ALGORITHMS)[EncryptionAlgorithm];
/** The names of one family's rows, e.g. `EncryptionAlgorithmOf<"aes-kw">`. */
export type EncryptionAlgorithmOf<F extends EncryptionEntry["family"]> = Extract<EncryptionEntry, { readonly family: F }>["alg"];
export type RsaEncryptionAlgorithm = {
  [A in EncryptionAlgorithm]: (typeof ENCRYPTION_ALGORITHMS)[A] extends RsaEncryptionDescriptor ? A : never;
}[EncryptionAlgorithm];

/** A source of random bytes; injectable so tests can replay published vectors (like the clock). */
export type RandomSource = (length: number) => Uint8Array<ArrayBuffer>;
export const secureRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));

const bad = (message: string): VaultError => new VaultError("BadParameter", message);
const hasOwn = (value: string): value is EncryptionAlgorithm => Object.hasOwn(ENCRYPTION_ALGORITHMS, value);

/** Azure names are case-sensitive enum values (keys.json JsonWebKeyEncryptionAlgorithm). */
export function assertEncryptionAlgorithm(value: unknown): EncryptionAlgorithm {
  if (typeof value !== "string" || !hasOwn(value)) throw bad(`Invalid algorithm: ${String(value)}.`);
  return value;
}

/** encrypt/decrypt take RSA and AES-GCM/CBC; wrapKey/unwrapKey take RSA and the AES key-wrap family. */
export function assertOperationAllowed(alg: EncryptionAlgorithm, operation: KeyOperation): EncryptionAlgorithmDescriptor {
  const descriptor: EncryptionAlgorithmDescriptor = ENCRYPTION_ALGORITHMS[alg];
  if (!descriptor.operations.includes(operation)) {
    throw bad(`Algorithm ${alg} is not valid for the ${operation} operation.`);
  }
  return descriptor;
}

export function assertKeyTypeFor(alg: EncryptionAlgorithm, kty: string): void {
  if (!ENCRYPTION_ALGORITHMS[alg].keyTypes.includes(kty)) {
    throw bad(`Algorithm ${alg} cannot be used with a key of type ${kty}.`);
  }
}

/** AES keys are 128, 192 or 256 bits (FIPS 197 §5); the A128…/A192…/A256… names must match the key exactly. */
export function assertKeySize(alg: EncryptionAlgorithm, keyBytes: number): AesKeyBits {
  const descriptor: EncryptionAlgorithmDescriptor = ENCRYPTION_ALGORITHMS[alg];
  const bits = keyBytes * 8;
  if (descriptor.family === "rsa") throw bad(`Algorithm ${alg} needs an RSA key.`);
  if (bits !== 128 && bits !== 192 && bits !== 256) throw bad(`Key size ${bits} is not an AES key size.`);
  if (descriptor.keyBits !== null && descriptor.keyBits !== bits) {
    throw bad(`Algorithm ${alg} needs a ${descriptor.keyBits}-bit key; this key is ${bits} bits (key size incorrect).`);
  }
  return bits;
}

export function assertIvLength(alg: EncryptionAlgorithm, iv: Uint8Array | undefined): Uint8Array {
  const descriptor: EncryptionAlgorithmDescriptor = ENCRYPTION_ALGORITHMS[alg];
  const expected = descriptor.family === "aes-gcm" || descriptor.family === "aes-cbc" ? descriptor.ivBytes : null;
  if (expected === null) throw bad(`Algorithm ${alg} takes no iv.`);
  if (iv === undefined || iv.length !== expected) throw bad(`Algorithm ${alg} needs an iv of ${expected} bytes.`);
  return iv;
}

export function assertTagLength(alg: EncryptionAlgorithm, tag: Uint8Array | undefined): Uint8Array {
  const descriptor: EncryptionAlgorithmDescriptor = ENCRYPTION_ALGORITHMS[alg];
  if (descriptor.family !== "aes-gcm") throw bad(`Algorithm ${alg} takes no authentication tag.`);
  if (tag === undefined || tag.length !== descriptor.tagBytes) {
    throw bad(`Algorithm ${alg} needs an authentication tag of ${descriptor.tagBytes} bytes.`);
  }
  return tag;
}

/** For inputs the caller controls in the clear (a key to wrap); never for ciphertext (see DecryptionFailed). */
export function assertBlockMultiple(data: Uint8Array, blockBytes: number, what: string, minimum = blockBytes): void {
  if (data.length < minimum || data.length % blockBytes !== 0) {
    throw bad(`The ${what} must be a multiple of ${blockBytes} bytes and at least ${minimum} bytes long.`);
  }
}

/**
 * Encrypt-side IV rule. GCM: a caller-chosen IV is refused, since the service alone guarantees it is
 * never repeated under a key (SP 800-38D §8); CBC: optional, 16 bytes when present.
 */
export function assertEncryptIv(alg: EncryptionAlgorithm, iv: Uint8Array | undefined): Uint8Array | undefined {
  const descriptor: EncryptionAlgorithmDescriptor = ENCRYPTION_ALGORITHMS[alg];
  if (iv === undefined) return undefined;
  if (descriptor.family === "aes-gcm") throw bad(`Algorithm ${alg} generates its own iv; do not send one.`);
  if (descriptor.family === "aes-cbc") return assertIvLength(alg, iv);
  return undefined; // RSA and key wrap take no IV; the wire schema is one flat object, so it is ignored.
}
