import type { RotationPolicy } from "../../core/domain/objects/rotation-policy.ts";

type PolicyRow = { policy: string; created: number; updated: number; next_rotation_at: number | null };

/** Key rotation policies by key name, with the time their Rotate action next falls due. */
export class RotationPolicyRepository {
  constructor(private readonly sql: SqlStorage) {}

  get(nameKey: string): { policy: RotationPolicy; nextRotationAt: number | null } | null {
    const row = this.sql
      .exec<PolicyRow>("SELECT policy, created, updated, next_rotation_at FROM key_rotation_policies WHERE name_key = ?", nameKey)
      .toArray()[0];
    if (row === undefined) return null;
    const stored = JSON.parse(row.policy) as Omit<RotationPolicy, "created" | "updated">;
    return { policy: { ...stored, created: row.created, updated: row.updated }, nextRotationAt: row.next_rotation_at };
  }

  put(nameKey: string, policy: RotationPolicy, nextRotationAt: number | null): void {
    const { created, updated, ...stored } = policy;
    this.sql.exec(
      "INSERT INTO key_rotation_policies (name_key, policy, created, updated, next_rotation_at) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (name_key) DO UPDATE SET policy = excluded.policy, updated = excluded.updated, next_rotation_at = excluded.next_rotation_at",
      nameKey,
      JSON.stringify(stored),
      created,
      updated,
      nextRotationAt,
    );
  }

  setNextRotation(nameKey: string, nextRotationAt: number | null): void {
    this.sql.exec("UPDATE key_rotation_policies SET next_rotation_at = ? WHERE name_key = ?", nextRotationAt, nameKey);
  }

  delete(nameKey: string): void {
    this.sql.exec("DELETE FROM key_rotation_policies WHERE name_key = ?", nameKey);
  }

  earliestRotation(): number | null {
    return this.sql
      .exec<{ t: number | null }>("SELECT MIN(next_rotation_at) AS t FROM key_rotation_policies WHERE next_rotation_at IS NOT NULL")
      .one().t;
  }

  dueRotations(nowSeconds: number): string[] {
    return this.sql
      .exec<{ name_key: string }>(
        "SELECT name_key FROM key_rotation_policies WHERE next_rotation_at IS NOT NULL AND next_rotation_at <= ?",
        nowSeconds,
      )
      .toArray()
      .map((r) => r.name_key);
  }
}
