/**
 * RSA signatures over a caller-supplied digest: RS256/384/512 (RSASSA-PKCS1-v1_5), RSNULL (the same
 * padding with no DigestInfo) and PS256/384/512 (RSASSA-PSS), RFC 8017.
 *
 * Azure signs the digest (Keys – Sign), and WebCrypto always hashes its input, so the encodings are
 * built here and only the raw RSA operation is left to `node:crypto` (docs/decisions.md §3.1). Measured in
 * workerd: a KeyObject is accepted only as a bare argument (default padding), never inside an
 * options object; so RS* and RSNULL use `privateEncrypt(keyObject, T)` (PKCS#1 type-1 padding), and PS*
 * passes the cached PEM with RSA_NO_PADDING, which re-parses the key on each call.
 */
import type { RsaPrivateJwk as StoredRsaPrivateJwk } from "../keys/key-types.ts";
import {
  constants,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  privateEncrypt,
  publicEncrypt,
  type KeyObject,
} from "node:crypto";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { VaultError } from "../../errors/vault-error.ts";
import { concatBytes, timingSafeEqual } from "../bytes.ts";
import {
  HASH_LENGTH,
  PKCS1_V15_OVERHEAD,
  SIGNATURE_ALGORITHMS,
  assertDigestLength,
  digestLengthFits,
  type HashName,
  type RsaSignatureAlgorithm,
} from "./signature-algorithms.ts";

/** RFC 7518 §6.3 members, base64url, without `kty` so foreign keys can be checked too. */
export type RsaPrivateJwk = Omit<StoredRsaPrivateJwk, "kty">;
export type RsaPublicJwk = Pick<RsaPrivateJwk, "n" | "e">;

/** A parsed public key; build once per key version and cache it (docs/decisions.md §3.3). */
export interface RsaVerifyingKey {
  readonly modulusBits: number;
  /** k in RFC 8017: the length of the modulus, and of every signature, in bytes. */
  readonly modulusBytes: number;
  readonly publicPem: string;
}
/** A parsed private key; holds private material, so it lives only in memory, never in storage. */
export interface RsaSigningKey extends RsaVerifyingKey {
  readonly privateKey: KeyObject;
  readonly privatePem: string;
}

const HASH: Readonly<Record<HashName, (data: Uint8Array) => Uint8Array>> = {
  "SHA-256": sha256,
  "SHA-384": sha384,
  "SHA-512": sha512,
};

/** DER of an OBJECT IDENTIFIER (X.690 §8.19): first two arcs in one octet, then base-128 arcs. */
function derOid(arcs: readonly number[]): number[] {
  const [first = 0, second = 0, ...rest] = arcs;
  const body = [first * 40 + second];
  for (const arc of rest) {
    const septets = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) septets.unshift((v & 0x7f) | 0x80);
    body.push(...septets);
  }
  return [0x06, body.length, ...body];
}

/** id-sha256/384/512 are 2.16.840.1.101.3.4.2.{1,2,3} (RFC 8017 Appendix B.1). */
const HASH_OID_ARC: Readonly<Record<HashName, number>> = { "SHA-256": 1, "SHA-384": 2, "SHA-512": 3 };

/**
 * The DER of DigestInfo up to the digest itself (RFC 8017 §9.2 note 1):
 * SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING (hLen) }. Every length is < 128, so short form.
 */
export function digestInfoPrefix(hash: HashName): Uint8Array {
  const algorithmId = [...derOid([2, 16, 840, 1, 101, 3, 4, 2, HASH_OID_ARC[hash]]), 0x05, 0x00];
  const hLen = HASH_LENGTH[hash];
  return Uint8Array.from([0x30, 2 + algorithmId.length + 2 + hLen, 0x30, algorithmId.length, ...algorithmId, 0x04, hLen]);
}

function pem(exported: string | Uint8Array): string {
  return typeof exported === "string" ? exported : new TextDecoder().decode(exported);
}

/** Below this no padding fits at all; workerd's JWK import takes even an empty `n` (measured). */
const MIN_MODULUS_BITS = 512;

function modulusBitsOf(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== "rsa" || bits < MIN_MODULUS_BITS) throw new VaultError("BadParameter", "The key is not a valid RSA key.");
  return bits;
}

function parse<T>(build: () => T): T {
  try {
    return build();
  } catch {
    throw new VaultError("BadParameter", "The key is not a valid RSA key.");
  }
}

export function prepareRsaVerifyingKey(jwk: RsaPublicJwk): RsaVerifyingKey {
  const publicKey = parse(() => createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" }));
  const modulusBits = modulusBitsOf(publicKey);
  return { modulusBits, modulusBytes: Math.ceil(modulusBits / 8), publicPem: pem(publicKey.export({ format: "pem", type: "spki" })) };
}

/**
 * Measured in workerd: a JWK import does not check that n, e, d, p, q, dp, dq, qi agree (the mismatch
 * surfaces only at the first signature), but parsing the PKCS#8 encoding refuses such keys. So the
 * key is parsed a second time from PEM, and that KeyObject is the one kept.
 */
export function prepareRsaSigningKey(jwk: RsaPrivateJwk): RsaSigningKey {
  const { n, e, d, p, q, dp, dq, qi } = jwk;
  const privatePem = parse(() =>
    pem(createPrivateKey({ key: { kty: "RSA", n, e, d, p, q, dp, dq, qi }, format: "jwk" }).export({ format: "pem", type: "pkcs8" })),
  );
  const privateKey = parse(() => createPrivateKey(privatePem));
  const modulusBits = modulusBitsOf(privateKey);
  return {
    modulusBits,
    modulusBytes: Math.ceil(modulusBits / 8),
    publicPem: pem(createPublicKey(privateKey).export({ format: "pem", type: "spki" })),
    privateKey,
    privatePem,
  };
}

/** MGF1 (RFC 8017 Appendix B.2.1): Hash(seed ‖ C) for C = 0, 1, … as a 4-byte counter. */
function mgf1(hash: HashName, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  const hLen = HASH_LENGTH[hash];
  for (let counter = 0, offset = 0; offset < length; counter++, offset += hLen) {
    new DataView(block.buffer).setUint32(seed.length, counter);
    out.set(HASH[hash](block).subarray(0, Math.min(hLen, length - offset)), offset);
  }
  return out;
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) from step 2 on: the digest is mHash, hashing the message was the client's. */
export function emsaPssEncode(mHash: Uint8Array, emBits: number, hash: HashName, salt: Uint8Array): Uint8Array {
  const hLen = HASH_LENGTH[hash];
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + salt.length + 2) throw new VaultError("BadParameter", "The key is too small for this algorithm.");
  const h = HASH[hash](concatBytes(new Uint8Array(8), mHash, salt));
  const dbLen = emLen - hLen - 1;
  const db = new Uint8Array(dbLen);
  db[dbLen - salt.length - 1] = 0x01;
  db.set(salt, dbLen - salt.length);
  const mask = mgf1(hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0);
  db[0] = (db[0] ?? 0) & (0xff >>> (8 * emLen - emBits));
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/**
 * EMSA-PSS-VERIFY (RFC 8017 §9.1.2) steps 3–14. Every check runs and is folded into one flag, so the
 * work done does not depend on which check fails; only the sizes, which are public, can end it early.
 */
export function emsaPssVerify(mHash: Uint8Array, em: Uint8Array, emBits: number, hash: HashName, sLen: number): boolean {
  const hLen = HASH_LENGTH[hash];
  const emLen = em.length;
  if (emLen !== Math.ceil(emBits / 8) || emLen < hLen + sLen + 2) return false;
  const dbLen = emLen - hLen - 1;
  const h = em.subarray(dbLen, dbLen + hLen);
  const topBits = 0xff >>> (8 * emLen - emBits);
  let bad = (em[emLen - 1] ?? 0) ^ 0xbc; // step 4
  bad |= (em[0] ?? 0) & ~topBits & 0xff; // step 6
  const db = mgf1(hash, h, dbLen); // steps 7–8
  for (let i = 0; i < dbLen; i++) db[i] = (db[i] ?? 0) ^ (em[i] ?? 0);
  db[0] = (db[0] ?? 0) & topBits; // step 9
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) bad |= db[i] ?? 0; // step 10: zeros …
  bad |= (db[psLen] ?? 0) ^ 0x01; // … then 0x01
  const hPrime = HASH[hash](concatBytes(new Uint8Array(8), mHash, db.subarray(dbLen - sLen))); // steps 11–13
  const same = timingSafeEqual(h, hPrime); // step 14
  return bad === 0 && same;
}

/** EMSA-PKCS1-v1_5 steps 3–5 (RFC 8017 §9.2): 0x00 ‖ 0x01 ‖ 0xff… ‖ 0x00 ‖ T, k bytes. */
function emsaPkcs1Encode(t: Uint8Array, k: number): Uint8Array {
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - t.length - 1] = 0x00;
  em.set(t, k - t.length);
  return em;
}

/** T for RS* is DigestInfo ‖ digest; for RSNULL the caller's bytes as they are. */
function pkcs1Payload(alg: RsaSignatureAlgorithm, digest: Uint8Array): Uint8Array {
  const descriptor = SIGNATURE_ALGORITHMS[alg];
  return descriptor.hash === null ? digest : concatBytes(digestInfoPrefix(descriptor.hash), digest);
}

/** RSASSA-PKCS1-v1_5-SIGN / RSASSA-PSS-SIGN (RFC 8017 §8.2.1, §8.1.1) over a digest. */
export function rsaSignDigest(alg: RsaSignatureAlgorithm, key: RsaSigningKey, digest: Uint8Array): Uint8Array {
  assertDigestLength(alg, digest, key.modulusBytes);
  const descriptor = SIGNATURE_ALGORITHMS[alg];
  if (descriptor.scheme === "RSASSA-PSS") {
    const salt = crypto.getRandomValues(new Uint8Array(descriptor.saltLength));
    const em = emsaPssEncode(digest, key.modulusBits - 1, descriptor.hash, salt);
    // RSASP1 takes the integer EM, which is one byte short of k when modBits ≡ 1 (mod 8).
    const m = new Uint8Array(key.modulusBytes);
    m.set(em, key.modulusBytes - em.length);
    return new Uint8Array(privateDecrypt({ key: key.privatePem, padding: constants.RSA_NO_PADDING }, m));
  }
  const t = pkcs1Payload(alg, digest);
  if (t.length > key.modulusBytes - PKCS1_V15_OVERHEAD) throw new VaultError("BadParameter", "The key is too small for this algorithm.");
  // A bare KeyObject gets privateEncrypt's default, RSA_PKCS1_PADDING: the type-1 block of §9.2.
  return new Uint8Array(privateEncrypt(key.privateKey, t));
}

/**
 * RSASSA-PKCS1-v1_5-VERIFY / RSASSA-PSS-VERIFY (RFC 8017 §8.2.2, §8.1.2) over a digest. Never throws:
 * a wrong length, a value ≥ n or a bad encoding is simply not a valid signature.
 * PKCS#1 v1.5 is checked by re-encoding and comparing (§8.2.2 step 3–4), never by parsing the block.
 */
export function rsaVerifyDigest(alg: RsaSignatureAlgorithm, key: RsaVerifyingKey, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    const k = key.modulusBytes;
    if (signature.length !== k || !digestLengthFits(alg, digest.length, k)) return false;
    // RSAVP1: s^e mod n; OpenSSL refuses s ≥ n, which lands in the catch.
    const m = new Uint8Array(publicEncrypt({ key: key.publicPem, padding: constants.RSA_NO_PADDING }, signature));
    const descriptor = SIGNATURE_ALGORITHMS[alg];
    if (descriptor.scheme !== "RSASSA-PSS") {
      const t = pkcs1Payload(alg, digest);
      return t.length <= k - PKCS1_V15_OVERHEAD && timingSafeEqual(m, emsaPkcs1Encode(t, k));
    }
    const emBits = key.modulusBits - 1;
    const emLen = Math.ceil(emBits / 8);
    const overflow = emLen < k ? (m[0] ?? 0) : 0; // I2OSP(m, emLen) must fit (§8.1.2 step 2c)
    return emsaPssVerify(digest, m.subarray(k - emLen), emBits, descriptor.hash, descriptor.saltLength) && overflow === 0;
  } catch {
    return false;
  }
}
