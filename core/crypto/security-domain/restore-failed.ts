/**
 * The one answer to a security domain that does not open: a share or wrapped key that does not decrypt,
 * shares that do not combine, an EncData tag that does not verify, a blob for another transfer key.
 * Saying which check failed would make the HSM an oracle for forged blobs (RFC 7516 §11.4-§11.5 give
 * the same advice for JWE), so upload never says; restore-blob uses it for its cryptographic failures too.
 */
import { VaultError } from "../../errors/vault-error.ts";

export const SECURITY_DOMAIN_NOT_RESTORED = "The security domain could not be restored.";

export function restoreFailed(): VaultError {
  return new VaultError("BadParameter", SECURITY_DOMAIN_NOT_RESTORED);
}
