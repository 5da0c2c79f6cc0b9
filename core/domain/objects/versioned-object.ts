import type { ObjectAttributes, Tags } from "./attributes.ts";

/** Kinds of versioned objects a vault holds; the certificate and key issues add their own. */
export type ObjectKind = "secret" | "key" | "certificate";

/** One stored version of a named object, its value still sealed. */
export interface StoredVersion {
  readonly name: string;
  readonly version: string;
  readonly seq: number;
  readonly attributes: ObjectAttributes;
  readonly contentType?: string;
  readonly tags?: Tags;
  readonly managed: boolean;
  readonly sealedValue: Uint8Array;
  /** Kind-specific public properties as JSON (keys: KeyProperties). */
  readonly props?: string;
}

/**
 * The name's lifecycle state: live, or soft-deleted with a scheduled purge (Unix seconds); until `settlesAt` (Unix
 * milliseconds, null: already) the delete or recover that put it there is still in progress (long-running.ts).
 */
export interface NameState {
  readonly name: string;
  readonly deletedAt: number | null;
  readonly scheduledPurgeAt: number | null;
  readonly settlesAt: number | null;
}

/** A name with its latest version, as lists show it. */
export interface NamedLatest {
  readonly state: NameState;
  readonly latest: StoredVersion;
}
