/**
 * The security domain's key derivation: NIST SP 800-108r1 §4.1 KDF in counter mode with HMAC-SHA-512 as
 * the PRF, as the Azure CLI (security_domain/sp800_108.py) and Az PowerShell (Models/KDF.cs) implement it:
 *
 *   K(i) = HMAC(key, [i]₃₂ ‖ label ‖ 0x00 ‖ context ‖ [L]₃₂), i = 1, 2, …; output the first L bits
 *
 * with big-endian 32-bit counter and length and UTF-8 label/context (docs/security-domain-format.md §5).
 * Each EncData datum is keyed by KDF(master key, label = tag, context = "", L = 512): one HMAC block,
 * the 64-byte key of A256CBC-HS512.
 */
import { concatBytes, utf8 } from "../bytes.ts";
import { toArrayBuffer } from "../x509/der.ts";

const HMAC_SHA512_BITS = 512;
/** L of an EncData key: A256CBC-HS512 takes a 64-byte key (RFC 7518 §5.2.5). */
export const DATUM_KEY_BITS = 512;

function uint32BigEndian(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** SP 800-108 counter-mode KDF with HMAC-SHA-512; `bits` a positive multiple of 8. */
export async function sp800108HmacSha512(
  key: Uint8Array,
  label: string,
  context: string,
  bits: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isInteger(bits) || bits <= 0 || bits % 8 !== 0 || bits > 0xffffffff) {
    throw new Error("the KDF output length must be a positive whole number of bytes");
  }
  const hmacKey = await crypto.subtle.importKey("raw", toArrayBuffer(key), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  // The fixed input data after the counter (SP 800-108r1 §4.1: Label ‖ 0x00 ‖ Context ‖ [L]₂).
  const fixed = concatBytes(utf8(label), new Uint8Array([0]), utf8(context), uint32BigEndian(bits));
  const blocks = Math.ceil(bits / HMAC_SHA512_BITS);
  const parts: Uint8Array[] = [];
  for (let i = 1; i <= blocks; i++) {
    parts.push(new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, concatBytes(uint32BigEndian(i), fixed))));
  }
  return concatBytes(...parts).slice(0, bits / 8);
}

/** The 64-byte A256CBC-HS512 key of the EncData datum tagged `tag` (docs/security-domain-format.md §2). */
export function datumKey(masterKey: Uint8Array, tag: string): Promise<Uint8Array<ArrayBuffer>> {
  return sp800108HmacSha512(masterKey, tag, "", DATUM_KEY_BITS);
}
