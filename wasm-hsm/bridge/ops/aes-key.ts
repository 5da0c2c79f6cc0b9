/**
 * The key an AES operation (encrypt, decrypt, key wrap) runs under: an oct key made for AES. An HMAC key is a
 * generic secret that may only sign and verify (keys/templates.ts); the token would refuse it as well, but with a
 * CKR_* code (SoftHSM2: CKR_KEY_TYPE_INCONSISTENT) that does not tell the caller what the operation needs.
 */
import { badParameter } from "../failure.ts";
import type { StoredKey } from "../keys/key-store.ts";
import type { Handle } from "../pkcs11/binding.ts";

export function aesKeyHandle(key: StoredKey): Handle {
  if (key.kty !== "oct" || key.secretKey === undefined) throw badParameter("algorithm needs an oct key");
  if (key.purpose !== "aes") throw badParameter("algorithm needs an AES key; this oct key is for HMAC (HS256/384/512)");
  return key.secretKey;
}
