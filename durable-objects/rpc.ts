/**
 * The Durable Objects' public contract: typed requests and results that cross RPC.
 * Rows never cross; the Worker formats these values into Azure's wire shapes with the request host.
 */
import type { AttributesPatch, ObjectAttributes, Tags } from "./domain/attributes.ts";
import type { DataAction } from "./domain/permission.ts";
import type { KeyOp, KeyResults } from "./key-rpc.ts";

/** The verified caller, from the bearer token. */
export interface Caller {
  readonly tenantId: string;
  readonly objectId: string;
  readonly appId: string;
}

export interface PageRequest {
  readonly maxResults: number;
  /** Opaque continuation from a previous page's `next`; validated by the object. */
  readonly skipToken?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque continuation, or null on the last page. */
  readonly next: string | null;
}

/** Lifecycle facts every bundle reports inside `attributes`. */
export interface Recoverability {
  readonly recoverableDays: number;
  readonly recoveryLevel: string;
}

export interface SecretView {
  readonly name: string;
  readonly version: string;
  /** Present only where Azure returns the value (get, set). */
  readonly value?: string;
  readonly contentType?: string;
  readonly attributes: ObjectAttributes & Recoverability;
  readonly tags?: Tags;
  readonly managed: boolean;
}

export interface DeletedView {
  /** Unix seconds. */
  readonly deletedDate: number;
  readonly scheduledPurgeDate: number;
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

export type VaultOp = SecretOp | KeyOp;
export type VaultResults = SecretResults & KeyResults;
export type OpKind = VaultOp["kind"];
export type OpOf<K extends OpKind> = Extract<VaultOp, { kind: K }>;

/** One data-plane request to a vault: who asks, the permission the route declared, and what. */
export interface VaultCall {
  readonly caller: Caller;
  readonly action: DataAction;
  readonly op: VaultOp;
}

/** Vault settings the control plane sets at creation. */
export interface VaultSettings {
  readonly name: string;
  readonly tenantId: string;
  readonly retentionDays: number;
  readonly purgeProtection: boolean;
  readonly sku: "standard" | "premium";
}
