import type { LongRunningMode } from "../objects/long-running.ts";
import type { ThrottleLimits, ThrottleOverrides } from "../throttle/throttle-limits.ts";
import type { NetworkAcls } from "./network-acls.ts";
import type { CorsRules } from "./cors-rules.ts";
import type { AccessPolicyEntry } from "../rbac/access-policy.ts";

/**
 * Per-vault settings a SaaS operator may change after creation, unlike VaultConfig: throttle limits
 * (a tier; Azure's numbers by default), how long the audit log keeps records, and whether long-running operations
 * complete as in Azure or at once, and the edge-read switches.
 */
export interface VaultOperationalSettings {
  readonly throttleLimits: ThrottleLimits;
  readonly auditRetentionDays: number;
  readonly longRunningOperations: LongRunningMode;
  /** Edge reads (docs/edge-reads.md): leases to serve immutable reads from the edge cache. */
  readonly edgeCache: boolean;
  /** Edge reads: published key sets are served without a token. */
  readonly publicJwks: boolean;
  /** The firewall (network-acls.ts); null admits every caller. */
  readonly networkAcls: NetworkAcls | null;
  /** The CORS rule browsers are answered by (cors-rules.ts); null: none. */
  readonly cors: CorsRules | null;
  /** false: the vault authorizes by `accessPolicies`, not role assignments (docs/access-control.md). */
  readonly enableRbacAuthorization: boolean;
  readonly accessPolicies: readonly AccessPolicyEntry[];
}

/** How the vault authorizes: its permission model and, for the access-policy model, the entries. */
export type AccessModel = Pick<VaultOperationalSettings, "enableRbacAuthorization" | "accessPolicies">;

export type EdgeReadSettings = Pick<VaultOperationalSettings, "edgeCache" | "publicJwks">;

export interface VaultSettingsPatch {
  /** Overrides of Azure's defaults; null returns to the defaults. */
  readonly throttleLimits?: ThrottleOverrides | null;
  readonly auditRetentionDays?: number;
  readonly longRunningOperations?: LongRunningMode;
  readonly edgeCache?: boolean;
  readonly publicJwks?: boolean;
  /** null removes the firewall. */
  readonly networkAcls?: NetworkAcls | null;
  readonly cors?: CorsRules | null;
  readonly enableRbacAuthorization?: boolean;
  readonly accessPolicies?: readonly AccessPolicyEntry[];
}

export const AUDIT_RETENTION_MIN_DAYS = 1;
export const AUDIT_RETENTION_MAX_DAYS = 3650;
export const AUDIT_RETENTION_DEFAULT_DAYS = 90;
