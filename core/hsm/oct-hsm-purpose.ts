import { VaultError } from "../errors/vault-error.ts";
import type { OctPurpose } from "./bridge-client/index.ts";
import type { KeyOperation } from "../crypto/keys/key-types.ts";

const MAC_OPERATIONS: readonly KeyOperation[] = ["sign", "verify"];
const CIPHER_OPERATIONS: readonly KeyOperation[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];

/**
 * What token object an oct-HSM key becomes, decided once from its key_ops at creation: an AES key cannot MAC and a
 * generic secret cannot encrypt (PKCS#11 v2.40 Current Mechanisms §2.8 CKM_SHA256_HMAC takes CKK_GENERIC_SECRET,
 * §2.14 the AES mechanisms CKK_AES), and a token object's type never changes. A software oct key is raw bytes and
 * may do both; in the HSM the caller picks. Without sign/verify it is an AES key, Azure's default for oct-HSM.
 */
export function octHsmPurpose(keyOps: readonly KeyOperation[]): OctPurpose {
  const mac = keyOps.some((op) => MAC_OPERATIONS.includes(op));
  const cipher = keyOps.some((op) => CIPHER_OPERATIONS.includes(op));
  if (mac && cipher) {
    throw new VaultError(
      "BadParameter",
      "An oct-HSM key is either an HMAC key (key_ops sign, verify) or an AES key (key_ops encrypt, decrypt, wrapKey, unwrapKey), not both.",
    );
  }
  return mac ? "hmac" : "aes";
}
