import { VaultError } from "../../core/errors/vault-error.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";

/** The error messages one kind of object uses; Azure words them alike with the kind's name. */
export interface ObjectErrors {
  notFound(name: string, version?: string): VaultError;
  deletedNotFound(name: string): VaultError;
  isDeleted(name: string): VaultError;
  /** A new version under a name whose delete is still in progress (long-running.ts). */
  isBeingDeleted(name: string): VaultError;
  /** Purge or recover of a name whose delete is still in progress. */
  deletionInProgress(): VaultError;
  /** A new version under a name whose recovery is still in progress. */
  isBeingRecovered(name: string): VaultError;
  exists(name: string): VaultError;
}

const LABELS: Record<ObjectKind, { code: "SecretNotFound" | "KeyNotFound" | "CertificateNotFound"; lower: string; title: string }> = {
  secret: { code: "SecretNotFound", lower: "secret", title: "Secret" },
  key: { code: "KeyNotFound", lower: "key", title: "Key" },
  certificate: { code: "CertificateNotFound", lower: "certificate", title: "Certificate" },
};

/** Azure's not-found / deleted / conflict messages (SDK recordings; tools such as Terraform parse them). */
export function objectErrors(kind: ObjectKind): ObjectErrors {
  const { code, lower, title } = LABELS[kind];
  return {
    notFound: (name, version) =>
      new VaultError(
        code,
        `A ${lower} with (name/id) ${version === undefined ? name : `${name}/${version}`} was not found in this key vault. ` +
          `If you recently deleted this ${lower} you may be able to recover it using the correct recovery command. ` +
          "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182",
      ),
    deletedNotFound: (name) => new VaultError(code, `Deleted ${title} not found: ${name}`),
    isDeleted: (name) =>
      new VaultError(
        "Conflict",
        `${title} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; ` +
          `in this state, the ${lower} can only be recovered or purged.`,
        "ObjectIsDeletedButRecoverable",
      ),
    // The three in-progress conflicts: azure-sdk-for-cpp key_client_delete_test_live.cpp, the JS SDKs' recorded
    // purges during a delete, azure-sdk-for-net#31581 (docs/long-running-operations.md).
    isBeingDeleted: (name) =>
      new VaultError("Conflict", `${title} ${name} is currently being deleted and cannot be re-created; retry later.`, "ObjectIsBeingDeleted"),
    deletionInProgress: () => new VaultError("Conflict", `${title} is currently being deleted.`, "ObjectIsBeingDeleted"),
    isBeingRecovered: (name) =>
      new VaultError("Conflict", `${title} ${name} is currently being recovered and cannot be re-created; retry later.`, "ObjectIsBeingRecovered"),
    exists: (name) =>
      new VaultError(
        "Conflict",
        `There was a conflict restoring the ${lower}: a ${lower} named ${name} already exists in this vault.`,
      ),
  };
}

export const purgeProtected = (vault: string): VaultError =>
  new VaultError(
    "Forbidden",
    'Operation "purge" is not allowed because purge protection is enabled for this vault. ' +
      `Key Vault service will automatically purge it after the retention period has passed. Vault: ${vault};location=edge`,
  );
