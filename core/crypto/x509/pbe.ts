import * as asn1js from "asn1js";
import { createDecipheriv } from "node:crypto";
import { AlgorithmIdentifier, PBES2Params, PBKDF2Params } from "pkijs";
import { X509Error } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { toArrayBuffer } from "./der.ts";
import { KDF_ID, MAX_ITERATIONS, pkcs12Kdf } from "./pkcs12-kdf.ts";
import { rc2CbcDecrypt } from "./rc2.ts";

/**
 * Password-based encryption of PFX contents. Reading takes PBES2 (RFC 8018 §6.2: PBKDF2 with
 * HMAC-SHA1/256/384/512 — WebCrypto has no SHA-224 — then AES-128/192/256-CBC or DES-EDE3-CBC) — OpenSSL 3's default — and the
 * PKCS#12 schemes of RFC 7292 App. C that older tools write: 3-key and 2-key triple DES, 128- and
 * 40-bit RC2. RC4 is refused. Writing is PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC only.
 *
 * A PBES2 password is its UTF-8 octets (RFC 7292 App. B.1 for PBES2 in PKCS#12, as OpenSSL does); the
 * PKCS#12 schemes take the BMPString form (see pkcs12-kdf.ts). Decryption failures throw
 * `PbeDecryptFailed`, which carries nothing: the caller answers with one message (docs/decisions.md §6.4).
 */
export interface PasswordForms {
  readonly utf8: Uint8Array;
  readonly bmp: Uint8Array;
}

export class PbeDecryptFailed extends Error {
  constructor() {
    super("decryption failed");
    this.name = "PbeDecryptFailed";
  }
}

/** 3DES: CBC with PKCS#5 padding through node:crypto (WebCrypto has no DES; both workerd and Node 20 do in node:crypto). */
function tripleDesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const decipher = createDecipheriv("des-ede3-cbc", key, iv);
  return new Uint8Array([...decipher.update(ciphertext), ...decipher.final()]);
}

interface LegacyScheme {
  readonly name: string;
  readonly keyLength: number;
  readonly decrypt: (key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array) => Uint8Array;
}

const LEGACY_SCHEMES: Readonly<Record<string, LegacyScheme>> = {
  [OID.pbeWithSha1And3KeyTripleDesCbc]: { name: "pbeWithSHAAnd3-KeyTripleDES-CBC", keyLength: 24, decrypt: tripleDesCbcDecrypt },
  // Two-key triple DES is K1‖K2‖K1.
  [OID.pbeWithSha1And2KeyTripleDesCbc]: {
    name: "pbeWithSHAAnd2-KeyTripleDES-CBC",
    keyLength: 16,
    decrypt: (key, iv, data) => tripleDesCbcDecrypt(new Uint8Array([...key, ...key.subarray(0, 8)]), iv, data),
  },
  [OID.pbeWithSha1And128BitRc2Cbc]: { name: "pbeWithSHAAnd128BitRC2-CBC", keyLength: 16, decrypt: (k, iv, d) => rc2CbcDecrypt(k, 128, iv, d) },
  [OID.pbeWithSha1And40BitRc2Cbc]: { name: "pbeWithSHAAnd40BitRC2-CBC", keyLength: 5, decrypt: (k, iv, d) => rc2CbcDecrypt(k, 40, iv, d) },
};

const REFUSED: Readonly<Record<string, string>> = {
  [OID.pbeWithSha1And128BitRc4]: "pbeWithSHAAnd128BitRC4",
  [OID.pbeWithSha1And40BitRc4]: "pbeWithSHAAnd40BitRC4",
};

const PRF_HASHES: Readonly<Record<string, string>> = {
  [OID.hmacWithSha1]: "SHA-1",
  [OID.hmacWithSha256]: "SHA-256",
  [OID.hmacWithSha384]: "SHA-384",
  [OID.hmacWithSha512]: "SHA-512",
};

const PBES2_CIPHERS: Readonly<Record<string, { keyLength: number; ivLength: number; aes: boolean }>> = {
  [OID.aes128Cbc]: { keyLength: 16, ivLength: 16, aes: true },
  [OID.aes192Cbc]: { keyLength: 24, ivLength: 16, aes: true },
  [OID.aes256Cbc]: { keyLength: 32, ivLength: 16, aes: true },
  [OID.desEde3Cbc]: { keyLength: 24, ivLength: 8, aes: false },
};

export async function pbeDecrypt(algorithm: AlgorithmIdentifier, ciphertext: Uint8Array, password: PasswordForms): Promise<Uint8Array> {
  const oid = algorithm.algorithmId;
  if (oid === OID.pbes2) return pbes2Decrypt(algorithm.algorithmParams, ciphertext, password.utf8);
  const legacy = LEGACY_SCHEMES[oid];
  if (legacy !== undefined) {
    const { salt, iterations } = pkcs12PbeParams(algorithm.algorithmParams);
    const key = pkcs12Kdf("SHA-1", KDF_ID.key, password.bmp, salt, iterations, legacy.keyLength);
    const iv = pkcs12Kdf("SHA-1", KDF_ID.iv, password.bmp, salt, iterations, 8);
    return failClosed(() => legacy.decrypt(key, iv, ciphertext));
  }
  const refused = REFUSED[oid];
  throw new X509Error(`The PFX is encrypted with ${refused ?? `an unsupported algorithm (${oid})`}, which is not supported.`);
}

/** pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } (RFC 7292 App. C). */
function pkcs12PbeParams(params: unknown): { salt: Uint8Array; iterations: number } {
  if (params instanceof asn1js.Sequence) {
    const [salt, iterations] = params.valueBlock.value;
    if (salt instanceof asn1js.OctetString && iterations instanceof asn1js.Integer) {
      return { salt: new Uint8Array(salt.getValue()), iterations: iterations.valueBlock.valueDec };
    }
  }
  throw new PbeDecryptFailed();
}

async function pbes2Decrypt(params: unknown, ciphertext: Uint8Array, password: Uint8Array): Promise<Uint8Array> {
  let pbes2: PBES2Params;
  let kdf: PBKDF2Params;
  try {
    pbes2 = new PBES2Params({ schema: params });
    if (pbes2.keyDerivationFunc.algorithmId !== OID.pbkdf2) throw new X509Error("The PFX uses a key derivation other than PBKDF2, which is not supported.");
    kdf = new PBKDF2Params({ schema: pbes2.keyDerivationFunc.algorithmParams });
  } catch (error) {
    if (error instanceof X509Error) throw error;
    throw new PbeDecryptFailed();
  }
  const cipher = PBES2_CIPHERS[pbes2.encryptionScheme.algorithmId];
  if (cipher === undefined) throw new X509Error(`The PFX is encrypted with an unsupported cipher (${pbes2.encryptionScheme.algorithmId}).`);
  const prf = kdf.prf === undefined ? "SHA-1" : PRF_HASHES[kdf.prf.algorithmId]; // RFC 8018 App. A.2: default hmacWithSHA1
  if (prf === undefined) throw new X509Error(`The PFX uses an unsupported PBKDF2 hash (${kdf.prf?.algorithmId ?? ""}).`);
  const iv: unknown = pbes2.encryptionScheme.algorithmParams;
  const salt: unknown = kdf.salt;
  if (!(iv instanceof asn1js.OctetString) || !(salt instanceof asn1js.OctetString)) throw new PbeDecryptFailed();
  const ivBytes = new Uint8Array(iv.getValue());
  if (ivBytes.length !== cipher.ivLength) throw new PbeDecryptFailed();
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyLength) throw new PbeDecryptFailed();
  const key = await pbkdf2(password, new Uint8Array(salt.getValue()), kdf.iterationCount, prf, cipher.keyLength);
  if (!cipher.aes) return failClosed(() => tripleDesCbcDecrypt(key, ivBytes, ciphertext));
  try {
    const aesKey = await crypto.subtle.importKey("raw", toArrayBuffer(key), "AES-CBC", false, ["decrypt"]);
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv: toArrayBuffer(ivBytes) }, aesKey, toArrayBuffer(ciphertext)));
  } catch {
    throw new PbeDecryptFailed();
  }
}

async function pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, hash: string, length: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new X509Error(`The PKCS#12 iteration count must be between 1 and ${MAX_ITERATIONS}.`);
  }
  const base = await crypto.subtle.importKey("raw", toArrayBuffer(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash, salt: toArrayBuffer(salt), iterations }, base, length * 8);
  return new Uint8Array(bits);
}

function failClosed(operation: () => Uint8Array): Uint8Array {
  try {
    return operation();
  } catch {
    throw new PbeDecryptFailed();
  }
}

/** The iteration count OpenSSL 3 uses by default for both PBKDF2 and the MAC (PKCS12_DEFAULT_ITER). */
export const WRITE_ITERATIONS = 2048;

/** PBES2 with PBKDF2-HMAC-SHA256 (random 16-octet salt) and AES-256-CBC (random IV): OpenSSL 3's default. */
export async function pbes2Encrypt(plaintext: Uint8Array, password: Uint8Array): Promise<{ algorithm: AlgorithmIdentifier; ciphertext: Uint8Array }> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const key = await pbkdf2(password, salt, WRITE_ITERATIONS, "SHA-256", 32);
  const aesKey = await crypto.subtle.importKey("raw", toArrayBuffer(key), "AES-CBC", false, ["encrypt"]);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv }, aesKey, toArrayBuffer(plaintext)));
  const params = new PBES2Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithmId: OID.pbkdf2,
      algorithmParams: new PBKDF2Params({
        salt: new asn1js.OctetString({ valueHex: toArrayBuffer(salt) }),
        iterationCount: WRITE_ITERATIONS,
        prf: new AlgorithmIdentifier({ algorithmId: OID.hmacWithSha256, algorithmParams: new asn1js.Null() }),
      }).toSchema(),
    }),
    encryptionScheme: new AlgorithmIdentifier({ algorithmId: OID.aes256Cbc, algorithmParams: new asn1js.OctetString({ valueHex: toArrayBuffer(iv) }) }),
  });
  return { algorithm: new AlgorithmIdentifier({ algorithmId: OID.pbes2, algorithmParams: params.toSchema() }), ciphertext };
}
