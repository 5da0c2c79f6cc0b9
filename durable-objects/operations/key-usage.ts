import { VaultError } from "../../core/errors/vault-error.ts";
import type { KeyOperation } from "../../core/crypto/keys/key-types.ts";
import type { ObjectAttributes } from "../../core/domain/objects/attributes.ts";
import type { KeyProperties } from "../../core/domain/objects/key-properties.ts";

/**
 * Outside its nbf/exp window a key may still decrypt, unwrap and verify, so data protected before
 * expiry stays readable (includes/key-attributes.md: "except decrypt, release, unwrap, and verify").
 */
const ALLOWED_OUTSIDE_WINDOW: readonly KeyOperation[] = ["decrypt", "unwrapKey", "verify"];

/**
 * The service enforces what clients also check locally (docs/client-contract.md §5: the JS
 * CryptographyClient checks key_ops, enabled and exp itself, so the server must not rely on it).
 * Messages follow Azure's: "Operation decrypt is not permitted on this key." (KeyOperationForbidden).
 */
export function assertKeyUsable(operation: KeyOperation, attributes: ObjectAttributes, props: KeyProperties, nowSeconds: number): void {
  if (!attributes.enabled) {
    throw new VaultError("Forbidden", `Operation ${operation} is not allowed on a disabled key.`, "KeyDisabled");
  }
  if (!props.keyOps.includes(operation)) {
    throw new VaultError("Forbidden", `Operation ${operation} is not permitted on this key.`, "KeyOperationForbidden");
  }
  if (ALLOWED_OUTSIDE_WINDOW.includes(operation)) return;
  if (attributes.exp !== undefined && nowSeconds >= attributes.exp) {
    throw new VaultError("Forbidden", `Operation ${operation} is not allowed on an expired key.`, "KeyExpired");
  }
  if (attributes.nbf !== undefined && nowSeconds < attributes.nbf) {
    throw new VaultError("Forbidden", `Operation ${operation} is not allowed on a key that is not yet valid.`, "KeyNotYetValid");
  }
}
