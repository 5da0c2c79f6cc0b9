/**
 * The Durable Objects' public contract: typed requests and results that cross RPC.
 * Rows never cross; the Worker formats these values into Azure's wire shapes with the request host.
 */
import type { AttributesPatch, ObjectAttributes, Tags } from "./domain/attributes.ts";
import type { DataAction } from "./domain/permission.ts";
import type { VaultSku } from "./domain/vault-config.ts";
import type { KeyOp, KeyResults } from "./key-rpc.ts";
import type { AuditOp, AuditResults } from "./audit-rpc.ts";
import type { CertificateOp, CertificateResults } from "./certificate-rpc.ts";
import type { CertificateIssuerOp, CertificateIssuerResults } from "./certificate-issuer-rpc.ts";

/** The verified caller, from the bearer token. */
export interface Caller {
  readonly tenantId: string;
  readonly objectId: string;
  readonly appId: string;
  /** "ServicePrincipal" or "ManagedIdentity", for the audit log. */
  readonly principalType: string;
}

/**
 * Which call of a request this is. Key create and rotate make two: a "preflight" (authorize, rotation
 * spec) before the Worker generates material, then a "completion". The request is charged to the
 * throttle once, at its first call, and audited once, at its last (or at the preflight if that refuses).
 */
export type CallStage = "single" | "preflight" | "completion";

/** Facts about the HTTP request the audit record needs; never its headers or body. */
export interface RequestInfo {
  readonly requestId: string;
  readonly clientIp: string | null;
  /** Wall-clock Unix milliseconds when the Worker received the request (for the record's duration). */
  readonly receivedAtMs: number;
  /** Azure's operation name the route declared ("SecretGet", "KeySign", …). */
  readonly operation: string;
  readonly stage: CallStage;
  /** The api-version the client sent; continuation tokens are bound to it (operations/page-tokens.ts). */
  readonly apiVersion: string;
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

export type VaultOp = SecretOp | KeyOp | AuditOp | CertificateOp | CertificateIssuerOp;
export type VaultResults = SecretResults & KeyResults & AuditResults & CertificateResults & CertificateIssuerResults;
export type OpKind = VaultOp["kind"];
export type OpOf<K extends OpKind> = Extract<VaultOp, { kind: K }>;

/** One data-plane request to a vault: who asks, the permission the route declared, and what. */
export interface VaultCall {
  readonly caller: Caller;
  readonly action: DataAction;
  readonly op: VaultOp;
  readonly request: RequestInfo;
}

/** Vault settings the control plane sets at creation. */
export interface VaultSettings {
  readonly name: string;
  readonly tenantId: string;
  readonly retentionDays: number;
  readonly purgeProtection: boolean;
  readonly sku: VaultSku;
  readonly dataKeyProtection?: "hsm";
}
