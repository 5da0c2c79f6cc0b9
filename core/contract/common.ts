/**
 * What every feature's part of the Durable Objects' RPC contract shares: the caller, the request facts, pages and
 * the deleted-object view. Rows never cross RPC; the Worker formats these values into Azure's wire shapes.
 */

/** The verified caller, from the bearer token. */
export interface Caller {
  readonly tenantId: string;
  readonly objectId: string;
  readonly appId: string;
  /** "ServicePrincipal" or "ManagedIdentity", for the audit log. */
  readonly principalType: string;
  /** The tenant groups the caller's token names (`groups` claim): their role assignments are the caller's too. */
  readonly groups?: readonly string[];
}

/**
 * Which call of a request this is. Key create, key rotate and certificate create make two: a "preflight"
 * (`key.createPreflight`, `key.rotationSpec`, `certificate.createPreflight`) before the Worker generates material,
 * then a "completion". The request is charged to the
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
  /** Lists of names only (secrets, keys, certificates and their deleted lists): the edge filter, at least one part. */
  readonly filter?: NameFilter;
}

/**
 * An extension beyond Azure (docs/edge-reads.md, "Filters on lists"): names whose lower-cased form starts with
 * `namePrefix`, and whose latest version has the tag `tag.name` with exactly `tag.value`. Served from indexes; a
 * continuation token is bound to the filter it was issued under (operations/page-tokens.ts).
 */
export interface NameFilter {
  /** Lower-cased (names are case-insensitive in Azure); 1–127 characters of 0-9a-z-. */
  readonly namePrefix?: string;
  /** Compared exactly: tag names and values are case-sensitive. */
  readonly tag?: { readonly name: string; readonly value: string };
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

export interface DeletedView {
  /** Unix seconds. */
  readonly deletedDate: number;
  readonly scheduledPurgeDate: number;
}
