import type { VaultPlacement } from "../domain/vault/placement.ts";

/**
 * The root-key rotation contract (docs/root-key-rotation.md) between the registry, which drives the sweep and answers
 * the admin API, and the tenant and vault objects it moves.
 */

/** What the registry asks of one holder: move to the current root key version, learn the retired ones. */
export interface RootKeyMoveRequest {
  /** The sweep's id: an HSM key-encryption key is replaced once per sweep, however often the call is repeated. */
  readonly sweep: number;
  /** Whether a vault whose data key is also wrapped by an HSM token key gets a new token key. */
  readonly hsmKeks: boolean;
  /** Versions retired so far; the holder refuses them from now on. */
  readonly retired: readonly number[];
}

/** A holder's answer: the version its data key is now under, or where the vault really is, or that none is here. */
export type RootKeyMoveResult =
  | { readonly kind: "moved"; readonly rootVersion: number }
  | { readonly kind: "pointer"; readonly placement: VaultPlacement }
  | { readonly kind: "none" };

export type RootKeyHolderKind = "tenant" | "vault";

export interface RootKeyHolder {
  readonly kind: RootKeyHolderKind;
  readonly name: string;
  /** The version its data key was last reported under; null when it has not been asked since the registry knew it. */
  readonly rootVersion: number | null;
  readonly lastError: string | null;
}

/** `GET /admin/rootKeys`: the ring and the newest sweep's progress. */
export interface RootKeyStatus {
  readonly current: number;
  readonly versions: readonly { readonly version: number; readonly state: "current" | "readable" | "retired" }[];
  readonly sweep: {
    readonly id: number;
    readonly target: number;
    readonly hsmKeyEncryptionKeys: boolean;
    readonly state: "running" | "done";
    readonly startedAt: number;
    readonly finishedAt: number | null;
    readonly moved: number;
    readonly remaining: number;
    /** The holders still to move (the first {@link ROOT_KEY_HOLDERS_NAMED}), with the last failure of each. */
    readonly remainingHolders: readonly RootKeyHolder[];
  } | null;
}

/** How many holders an answer names, so a large deployment's answer stays bounded. */
export const ROOT_KEY_HOLDERS_NAMED = 100;
