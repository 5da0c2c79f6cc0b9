import type { ExpiryEventName, ExpiryTrigger } from "../../core/domain/objects/expiry-schedule.ts";
import type { RotationPolicyInput } from "../../core/domain/objects/rotation-policy.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";

type TriggerRow = {
  kind: ObjectKind;
  name_key: string;
  version: string;
  event: ExpiryEventName;
  lead_seconds: number;
  due_at: number;
  name: string | null;
  deleted_at: number | null;
  enabled: number | null;
  nbf: number | null;
  exp: number | null;
  updated: number | null;
  is_current: number | null;
};

type CurrentRow = {
  kind: ObjectKind;
  name_key: string;
  name: string;
  version: string;
  enabled: number;
  nbf: number | null;
  exp: number | null;
  updated: number;
  deleted_at: number | null;
};

/** The latest version of a name is the one with the highest seq (as in ObjectRepository). */
const CURRENT_JOIN =
  "JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key AND v.seq = " +
  "(SELECT MAX(seq) FROM object_versions WHERE kind = o.kind AND name_key = o.name_key)";

/** A version's current facts, as the event system sees them. */
export interface CurrentVersion {
  readonly kind: ObjectKind;
  readonly nameKey: string;
  readonly name: string;
  readonly version: string;
  readonly enabled: boolean;
  readonly nbf: number | null;
  readonly exp: number | null;
  readonly updated: number;
  readonly deleted: boolean;
}

/** A due trigger with what is stored now about its version; `version` is null when the version is gone. */
export interface DueTrigger extends ExpiryTrigger {
  readonly kind: ObjectKind;
  readonly nameKey: string;
  readonly versionId: string;
  readonly version: CurrentVersion | null;
  readonly isCurrent: boolean;
}

/**
 * When versions near expiry or expire (expiry_triggers), and the reads of objects, versions and key
 * rotation policies those times are computed from. The event system's own SQL (docs/decisions.md §2.2).
 */
export class ExpiryTriggerRepository {
  constructor(private readonly sql: SqlStorage) {}

  replaceTriggers(kind: ObjectKind, nameKey: string, version: string | null, triggers: readonly ExpiryTrigger[]): void {
    this.sql.exec("DELETE FROM expiry_triggers WHERE kind = ? AND name_key = ?", kind, nameKey);
    if (version === null) return;
    for (const t of triggers) {
      this.sql.exec(
        "INSERT INTO expiry_triggers (kind, name_key, version, event, lead_seconds, due_at) VALUES (?, ?, ?, ?, ?, ?)",
        kind,
        nameKey,
        version,
        t.event,
        t.leadSeconds,
        t.dueAt,
      );
    }
  }

  deleteAllTriggers(): void {
    this.sql.exec("DELETE FROM expiry_triggers");
  }

  deleteTrigger(t: DueTrigger): void {
    this.sql.exec(
      "DELETE FROM expiry_triggers WHERE kind = ? AND name_key = ? AND version = ? AND event = ? AND lead_seconds = ?",
      t.kind,
      t.nameKey,
      t.versionId,
      t.event,
      t.leadSeconds,
    );
  }

  earliestTrigger(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(due_at) AS t FROM expiry_triggers").one().t;
  }

  dueTriggers(nowSeconds: number, limit: number): DueTrigger[] {
    return this.sql
      .exec<TriggerRow>(
        "SELECT t.kind, t.name_key, t.version, t.event, t.lead_seconds, t.due_at, o.name, o.deleted_at, v.enabled, v.nbf, v.exp, v.updated, " +
          "(v.seq = (SELECT MAX(seq) FROM object_versions WHERE kind = t.kind AND name_key = t.name_key)) AS is_current " +
          "FROM expiry_triggers t LEFT JOIN objects o ON o.kind = t.kind AND o.name_key = t.name_key " +
          "LEFT JOIN object_versions v ON v.kind = t.kind AND v.name_key = t.name_key AND v.version = t.version " +
          "WHERE t.due_at <= ? ORDER BY t.due_at LIMIT ?",
        nowSeconds,
        limit,
      )
      .toArray()
      .map(toDueTrigger);
  }

  // What triggers are computed from.

  /** The latest version of a name (live or soft-deleted), or null if the name does not exist. */
  currentVersion(kind: ObjectKind, nameKey: string): CurrentVersion | null {
    const row = this.sql
      .exec<CurrentRow>(
        `SELECT o.kind, o.name_key, o.name, v.version, v.enabled, v.nbf, v.exp, v.updated, o.deleted_at FROM objects o ${CURRENT_JOIN} ` +
          "WHERE o.kind = ? AND o.name_key = ?",
        kind,
        nameKey,
      )
      .toArray()[0];
    return row === undefined ? null : toCurrent(row);
  }

  /** One given version with its name's state. */
  version(kind: ObjectKind, nameKey: string, version: string): CurrentVersion | null {
    const row = this.sql
      .exec<CurrentRow>(
        "SELECT o.kind, o.name_key, o.name, v.version, v.enabled, v.nbf, v.exp, v.updated, o.deleted_at FROM objects o " +
          "JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key WHERE o.kind = ? AND o.name_key = ? AND v.version = ?",
        kind,
        nameKey,
        version,
      )
      .toArray()[0];
    return row === undefined ? null : toCurrent(row);
  }

  /** Every live name whose latest version is enabled and expires: the only ones that can have triggers. */
  expiringCurrentVersions(): CurrentVersion[] {
    return this.sql
      .exec<CurrentRow>(
        `SELECT o.kind, o.name_key, o.name, v.version, v.enabled, v.nbf, v.exp, v.updated, o.deleted_at FROM objects o ${CURRENT_JOIN} ` +
          "WHERE o.deleted_at IS NULL AND v.enabled = 1 AND v.exp IS NOT NULL",
      )
      .toArray()
      .map(toCurrent);
  }

  rotationPolicy(nameKey: string): RotationPolicyInput | null {
    const row = this.sql.exec<{ policy: string }>("SELECT policy FROM key_rotation_policies WHERE name_key = ?", nameKey).toArray()[0];
    return row === undefined ? null : (JSON.parse(row.policy) as RotationPolicyInput);
  }
}

function toCurrent(row: CurrentRow): CurrentVersion {
  return {
    kind: row.kind,
    nameKey: row.name_key,
    name: row.name,
    version: row.version,
    enabled: row.enabled === 1,
    nbf: row.nbf,
    exp: row.exp,
    updated: row.updated,
    deleted: row.deleted_at !== null,
  };
}

function toDueTrigger(row: TriggerRow): DueTrigger {
  const present = row.name !== null && row.enabled !== null && row.updated !== null;
  return {
    kind: row.kind,
    nameKey: row.name_key,
    versionId: row.version,
    event: row.event,
    leadSeconds: row.lead_seconds,
    dueAt: row.due_at,
    isCurrent: row.is_current === 1,
    version: present
      ? {
          kind: row.kind,
          nameKey: row.name_key,
          name: row.name ?? "",
          version: row.version,
          enabled: row.enabled === 1,
          nbf: row.nbf,
          exp: row.exp,
          updated: row.updated ?? 0,
          deleted: row.deleted_at !== null,
        }
      : null,
  };
}
