/** Object attributes shared by secrets, keys and certificates (Azure "Attributes" in the REST spec). */
export interface ObjectAttributes {
  readonly enabled: boolean;
  /** Not-before, Unix seconds. */
  readonly nbf?: number;
  /** Expiry, Unix seconds. */
  readonly exp?: number;
  readonly created: number;
  readonly updated: number;
}

/** The writable subset a client may send on create/set/update. */
export interface AttributesPatch {
  readonly enabled?: boolean;
  /** null clears the value (Azure PATCH semantics). */
  readonly nbf?: number | null;
  readonly exp?: number | null;
}

export type Tags = Readonly<Record<string, string>>;
