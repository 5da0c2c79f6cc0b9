/**
 * EME-OAEP decoding (RFC 8017 §7.1.2 step 3) for tokens whose CKM_RSA_PKCS_OAEP lacks a hash — SoftHSM2 2.6.1
 * allows SHA-1 only (docs/decisions.md §4.1). The token does the private-key step with raw RSA (CKM_RSA_X_509); this
 * undoes the padding. Written to take the same path whatever the bytes are: one pass over every byte, no early
 * exit, validity folded into one flag that is looked at once. Manger's attack (CRYPTO 2001) needs only to tell
 * "first byte was not zero" from other failures, by message or by time; RFC 8017 §7.1.2 note asks for exactly
 * this. (JavaScript gives no hard guarantee of constant time; this removes every data-dependent branch we own.)
 */
import { createHash } from "node:crypto";

export type OaepHashName = "sha1" | "sha256" | "sha384" | "sha512";

const HASH_BYTES: Readonly<Record<OaepHashName, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/**
 * Returns the message, or undefined for any decoding error. `em` is the raw RSA result, `modulusBytes` = k.
 * The label is empty: Azure's API has no way to send one (RFC 8017 §7.1.1 default L = "").
 */
export function oaepDecode(em: Uint8Array, modulusBytes: number, hash: OaepHashName): Buffer | undefined {
  const hLen = HASH_BYTES[hash];
  // §7.1.2 step 1c: k < 2hLen + 2 can never hold a message. Depends on the key only, not on the secret.
  if (modulusBytes < 2 * hLen + 2 || em.length > modulusBytes) return undefined;
  // Raw RSA output may come without its leading zero bytes; I2OSP (§4.1) puts them back.
  const full = Buffer.alloc(modulusBytes);
  full.set(em, modulusBytes - em.length);

  const lHash = createHash(hash).digest();
  const maskedSeed = full.subarray(1, 1 + hLen);
  const maskedDb = full.subarray(1 + hLen);
  const seed = xor(maskedSeed, mgf1(maskedDb, hLen, hash));
  const db = xor(maskedDb, mgf1(seed, maskedDb.length, hash));

  // bad ≠ 0 means a decoding error; every check ORs into it.
  let bad = full[0] ?? 1;
  for (let i = 0; i < hLen; i += 1) bad |= (db[i] ?? 0) ^ (lHash[i] ?? 0);

  // DB = lHash ‖ PS (zero bytes) ‖ 0x01 ‖ M: find the first 0x01, allowing only zeros before it.
  let found = 0;
  let separator = 0;
  for (let i = hLen; i < db.length; i += 1) {
    const byte = db[i] ?? 0;
    const isOne = equals(byte, 0x01);
    const isZero = equals(byte, 0x00);
    const first = isOne & (found ^ 1);
    separator = select(first, i, separator);
    bad |= (found ^ 1) & (isOne ^ 1) & (isZero ^ 1);
    found |= isOne;
  }
  bad |= found ^ 1;

  if (bad !== 0) return undefined;
  return Buffer.from(db.subarray(separator + 1));
}

/** RFC 8017 §B.2.1. */
export function mgf1(seed: Uint8Array, length: number, hash: OaepHashName): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let produced = 0, i = 0; produced < length; i += 1) {
    counter.writeUInt32BE(i, 0);
    const block = createHash(hash).update(seed).update(counter).digest();
    blocks.push(block);
    produced += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i += 1) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** 1 if two bytes are equal, else 0, without a branch: (a^b) − 1 is negative only when a^b = 0. */
function equals(a: number, b: number): number {
  return (((a ^ b) - 1) >>> 31) & 1;
}

/** `yes` when flag is 1, `no` when it is 0, without a branch. */
function select(flag: number, yes: number, no: number): number {
  return no ^ ((yes ^ no) & -flag);
}
