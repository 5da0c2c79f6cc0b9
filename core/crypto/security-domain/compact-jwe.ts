/**
 * The two JWEs of the security domain, in the compact serialization (RFC 7516 §7.1):
 * BASE64URL(header) . BASE64URL(encrypted key) . BASE64URL(IV) . BASE64URL(ciphertext) . BASE64URL(tag),
 * unpadded, the AAD being the ASCII of the encoded header (§5.1 step 14). Both use A256CBC-HS512:
 * - `dir` (RFC 7518 §4.5): the EncData data, header {"alg":"dir","enc":"A256CBC-HS512","kid":<tag>},
 *   empty encrypted-key part;
 * - `RSA-OAEP-256` (RFC 7518 §4.3): the shares and the restore blob's wrapped master key, header
 *   {"alg":"RSA-OAEP-256","enc":"A256CBC-HS512","kid":"not used"}, a fresh 64-byte CEK under OAEP.
 * Header member order and spelling are those of Azure's own download (the 7.2 spec example decoded,
 * docs/security-domain-format.md §2). Written here rather than with `jose` so the CEK and IV come from
 * the injected random source and every check is ours; the tests cross-check both ways against `jose`.
 */
import { UNPADDED_BASE64URL, base64UrlToBytes, bytesToBase64Url, decodeBase64, utf8 } from "../bytes.ts";
import { toArrayBuffer } from "../x509/der.ts";
import { CBC_HS512_KEY_BYTES, CBC_IV_BYTES, IntegrityError, decryptCbcHs512, encryptCbcHs512 } from "./a256cbc-hs512.ts";
import { drawBytes, type RandomBytes } from "./random.ts";

export const JWE_ENC = "A256CBC-HS512";
/** The `kid` Azure writes into every RSA-OAEP-256 JWE of the security domain (spec example, CLI restore blob). */
export const SHARE_JWE_KID = "not used";

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

async function seal(headerJson: string, encryptedKey: Uint8Array, cek: Uint8Array, plaintext: Uint8Array, random: RandomBytes): Promise<string> {
  const encodedHeader = bytesToBase64Url(utf8(headerJson));
  const iv = drawBytes(random, CBC_IV_BYTES);
  const { ciphertext, tag } = await encryptCbcHs512(cek, iv, plaintext, utf8(encodedHeader));
  return [encodedHeader, bytesToBase64Url(encryptedKey), bytesToBase64Url(iv), bytesToBase64Url(ciphertext), bytesToBase64Url(tag)].join(".");
}

/** JWE `dir` / A256CBC-HS512 under a 64-byte key, `kid` = the datum's tag. */
export function encryptDirJwe(key: Uint8Array, kid: string, plaintext: Uint8Array, random: RandomBytes): Promise<string> {
  return seal(JSON.stringify({ alg: "dir", enc: JWE_ENC, kid }), new Uint8Array(0), key, plaintext, random);
}

/** JWE `RSA-OAEP-256` / A256CBC-HS512 to `publicKey` (an RSA-OAEP SHA-256 encryption key). */
export async function encryptRsaOaepJwe(publicKey: CryptoKey, plaintext: Uint8Array, random: RandomBytes): Promise<string> {
  const cek = drawBytes(random, CBC_HS512_KEY_BYTES);
  const encryptedKey = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, publicKey, cek));
  try {
    return await seal(JSON.stringify({ alg: "RSA-OAEP-256", enc: JWE_ENC, kid: SHARE_JWE_KID }), encryptedKey, cek, plaintext, random);
  } finally {
    cek.fill(0);
  }
}

interface ParsedJwe {
  readonly encodedHeader: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly encryptedKey: Uint8Array;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * One stored Azure CLI version base64url-encodes the compact JWE a second time in restore blobs
 * (docs/security-domain-format.md §7). A compact JWE always has dots and its base64url form never has,
 * so such a value is decoded once; padding is optional there (Python's urlsafe_b64encode pads).
 */
function unwrapDoubleEncoding(text: string): string {
  if (text.includes(".")) return text;
  const bytes = base64UrlToBytes(text);
  if (bytes === null) throw new IntegrityError();
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    throw new IntegrityError();
  }
}

/** Strict parse: five unpadded canonical base64url parts and a JSON-object header without `crit` or `zip`. */
function parseCompact(text: string, alg: string): ParsedJwe {
  const parts = unwrapDoubleEncoding(text).split(".");
  if (parts.length !== 5) throw new IntegrityError();
  const encodedHeader = parts[0] ?? "";
  const [headerBytes, encryptedKey, iv, ciphertext, tag] = parts.map((part) => decodeBase64(part, UNPADDED_BASE64URL));
  if (!headerBytes || !encryptedKey || !iv || !ciphertext || !tag) throw new IntegrityError();
  let header: unknown;
  try {
    header = JSON.parse(fatalUtf8.decode(headerBytes));
  } catch {
    throw new IntegrityError();
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new IntegrityError();
  const members = header as Record<string, unknown>;
  // RFC 7516 §4.1.13: a `crit` we do not understand must be refused; we understand none. §4.1.3: no `zip` here.
  if (members.alg !== alg || members.enc !== JWE_ENC || "crit" in members || "zip" in members) throw new IntegrityError();
  return { encodedHeader, header: members, encryptedKey, iv, ciphertext, tag };
}

/** Opens a `dir` JWE; its header `kid` must be `kid` (the tag it is filed under). Throws IntegrityError. */
export async function decryptDirJwe(text: string, key: Uint8Array, kid: string): Promise<Uint8Array<ArrayBuffer>> {
  const jwe = parseCompact(text, "dir");
  // RFC 7518 §4.5: with direct encryption the JWE Encrypted Key is the empty octet sequence.
  if (jwe.header.kid !== kid || jwe.encryptedKey.length !== 0) throw new IntegrityError();
  return await decryptCbcHs512(key, jwe.iv, jwe.ciphertext, jwe.tag, utf8(jwe.encodedHeader));
}

/**
 * Opens an `RSA-OAEP-256` JWE with `privateKey`. A CEK that does not decrypt, or is not 64 bytes, is
 * replaced by a random one and the tag check fails as it would for any other forgery: one error and
 * no early exit between the RSA step and the MAC step (RFC 7516 §11.5). Throws IntegrityError.
 */
export async function decryptRsaOaepJwe(text: string, privateKey: CryptoKey, random: RandomBytes): Promise<Uint8Array<ArrayBuffer>> {
  const jwe = parseCompact(text, "RSA-OAEP-256");
  const fallback = drawBytes(random, CBC_HS512_KEY_BYTES);
  let cek = fallback;
  try {
    const unwrapped = new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, privateKey, toArrayBuffer(jwe.encryptedKey)));
    if (unwrapped.length === CBC_HS512_KEY_BYTES) cek = unwrapped;
  } catch {
    // keep the random CEK
  }
  try {
    return await decryptCbcHs512(cek, jwe.iv, jwe.ciphertext, jwe.tag, utf8(jwe.encodedHeader));
  } finally {
    cek.fill(0);
    fallback.fill(0);
  }
}
