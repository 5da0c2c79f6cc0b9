/**
 * RFC 5649 key wrap with padding, computed here from AES block encryptions done by the token (CKM_AES_ECB under the
 * KEK, which never leaves it). Needed because SoftHSM2 2.6.1's CKM_AES_KEY_WRAP_PAD zero-pads the key to a
 * multiple of 8 BEFORE wrapping, so the message length indicator says 24 for a 20-byte key and the result is not
 * RFC 5649's (its unwrap is correct). pkcs11/capabilities.ts detects this at start-up, so a token that gets it
 * right is used natively. Only wrapping is emulated: the caller sent these bytes, so the bridge sees nothing new.
 */
import type { Handle, PKCS11 } from "../pkcs11/binding.ts";
import { pkcs11js } from "../pkcs11/binding.ts";

const SEMIBLOCK = 8;
/** RFC 5649 §3: the alternative initial value's constant half. */
const AIV_PREFIX = Buffer.from("a65959a6", "hex");

export function aesKwpWrap(module: PKCS11, session: Handle, kek: Handle, key: Buffer): Buffer {
  // §4.1 step 1: AIV = A65959A6 ‖ MLI (the key's length in bytes, 32-bit big-endian); zero-pad to whole semiblocks.
  const mli = Buffer.alloc(4);
  mli.writeUInt32BE(key.length, 0);
  const aiv = Buffer.concat([AIV_PREFIX, mli]);
  const padded = Buffer.concat([key, Buffer.alloc((SEMIBLOCK - (key.length % SEMIBLOCK)) % SEMIBLOCK)]);

  module.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_ECB }, kek);
  const encryptBlock = (block: Buffer) => module.C_EncryptUpdate(session, block, Buffer.alloc(2 * SEMIBLOCK));
  try {
    // §4.1 step 2: a single semiblock is one AES block encryption of AIV ‖ P.
    if (padded.length === SEMIBLOCK) return encryptBlock(Buffer.concat([aiv, padded]));
    // Otherwise RFC 3394 §2.2.1 (index-based) with AIV in place of the default IV.
    const n = padded.length / SEMIBLOCK;
    let a: Buffer = aiv;
    const r: Buffer[] = Array.from({ length: n }, (_, i) => padded.subarray(i * SEMIBLOCK, (i + 1) * SEMIBLOCK));
    for (let j = 0; j <= 5; j += 1) {
      for (let i = 0; i < n; i += 1) {
        const b = encryptBlock(Buffer.concat([a, r[i] ?? Buffer.alloc(SEMIBLOCK)]));
        const t = BigInt(n * j + i + 1);
        a = Buffer.alloc(SEMIBLOCK);
        a.writeBigUInt64BE(b.readBigUInt64BE(0) ^ t, 0);
        r[i] = b.subarray(SEMIBLOCK);
      }
    }
    return Buffer.concat([a, ...r]);
  } finally {
    try {
      // ECB keeps no state between blocks; Final only ends the operation (and returns nothing).
      module.C_EncryptFinal(session, Buffer.alloc(2 * SEMIBLOCK));
    } catch {
      // Already ended by a failed update; that failure is the one being thrown.
    }
  }
}
