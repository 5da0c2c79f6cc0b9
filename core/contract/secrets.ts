/** The secrets part of the vault's RPC contract (Azure REST "Secrets" operations). */
import type { AttributesPatch, ObjectAttributes, Tags } from "../domain/objects/attributes.ts";
import type { DeletedView, Page, PageRequest, Recoverability } from "./common.ts";

export interface SecretView {
  readonly name: string;
  readonly version: string;
  /** Present only where Azure returns the value (get, set). */
  readonly value?: string;
  readonly contentType?: string;
  readonly attributes: ObjectAttributes & Recoverability;
  readonly tags?: Tags;
  readonly managed: boolean;
  /**
   * The version created just before this one under the same name, on single-secret answers (not in lists):
   * SecretBundle.previousVersion (Secrets/models.tsp, added in 2025-06-01-preview). The Worker shows it only to
   * clients of a version that defines it.
   */
  readonly previousVersion?: string;
}

export type DeletedSecretView = SecretView & DeletedView;

export interface SecretInput {
  readonly contentType?: string;
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
}

export type SecretOp =
  | ({ readonly kind: "secret.set"; readonly name: string; readonly value: string } & SecretInput)
  | { readonly kind: "secret.get"; readonly name: string; readonly version?: string }
  | ({ readonly kind: "secret.update"; readonly name: string; readonly version?: string } & SecretInput)
  | { readonly kind: "secret.delete"; readonly name: string }
  | { readonly kind: "secret.list"; readonly page: PageRequest }
  | { readonly kind: "secret.listVersions"; readonly name: string; readonly page: PageRequest }
  | { readonly kind: "secret.backup"; readonly name: string }
  | { readonly kind: "secret.restore"; readonly blob: string }
  | { readonly kind: "secret.listDeleted"; readonly page: PageRequest }
  | { readonly kind: "secret.getDeleted"; readonly name: string }
  | { readonly kind: "secret.recover"; readonly name: string }
  | { readonly kind: "secret.purge"; readonly name: string };

/** What each operation returns. */
export interface SecretResults {
  "secret.set": SecretView;
  "secret.get": SecretView;
  "secret.update": SecretView;
  "secret.delete": DeletedSecretView;
  "secret.list": Page<SecretView>;
  "secret.listVersions": Page<SecretView>;
  "secret.backup": { readonly blob: string };
  "secret.restore": SecretView;
  "secret.listDeleted": Page<DeletedSecretView>;
  "secret.getDeleted": DeletedSecretView;
  "secret.recover": SecretView;
  "secret.purge": null;
}
