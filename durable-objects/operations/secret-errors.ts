import { VaultError } from "../../worker/errors/vault-error.ts";

/** Azure's secret error messages, as SDKs and tools (Terraform, External Secrets) parse them. */
export const secretNotFound = (name: string, version?: string): VaultError =>
  new VaultError(
    "SecretNotFound",
    `A secret with (name/id) ${version === undefined ? name : `${name}/${version}`} was not found in this key vault. ` +
      "If you recently deleted this secret you may be able to recover it using the correct recovery command. " +
      "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182",
  );

export const deletedSecretNotFound = (name: string): VaultError =>
  new VaultError("SecretNotFound", `Deleted Secret not found: ${name}`);

export const secretDisabled = (): VaultError =>
  new VaultError("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");

export const secretIsDeleted = (name: string): VaultError =>
  new VaultError(
    "Conflict",
    `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; ` +
      "in this state, the secret can only be recovered or purged.",
    "ObjectIsDeletedButRecoverable",
  );

export const secretExists = (name: string): VaultError =>
  new VaultError("Conflict", `Secret ${name} already exists. Restore is only possible when no secret of that name exists.`);

export const purgeProtected = (vault: string): VaultError =>
  new VaultError(
    "Forbidden",
    'Operation "purge" is not allowed because purge protection is enabled for this vault. ' +
      `Key Vault service will automatically purge it after the retention period has passed. Vault: ${vault};location=edge`,
  );

export const invalidBackup = (): VaultError => new VaultError("BadParameter", "Backup blob is corrupt.");
