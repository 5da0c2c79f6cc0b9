import { VaultError } from "../../core/errors/vault-error.ts";

/**
 * Azure vault names: 3–24 characters, letters, digits and hyphens, starting with a letter, ending with
 * a letter or digit, no consecutive hyphens (error VaultNameNotValid, common-error-codes.md).
 */
const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

export function assertVaultName(name: string | undefined): string {
  if (name === undefined || !VAULT_NAME.test(name)) {
    throw new VaultError(
      "VaultNameNotValid",
      `The vault name '${name ?? ""}' is invalid. A vault's name must be between 3-24 alphanumeric characters. ` +
        "The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.",
    );
  }
  return name;
}
