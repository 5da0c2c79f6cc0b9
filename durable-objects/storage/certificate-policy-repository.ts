import type { CertificatePolicy } from "../../core/domain/certificates/certificate-policy.ts";

type PolicyRow = { policy: string; created: number; updated: number; next_action_at: number | null };

/** Certificate policies by certificate name, with the time their lifetime action next falls due. */
export class CertificatePolicyRepository {
  constructor(private readonly sql: SqlStorage) {}

  get(nameKey: string): { policy: CertificatePolicy; nextActionAt: number | null } | null {
    const row = this.sql
      .exec<PolicyRow>("SELECT policy, created, updated, next_action_at FROM certificate_policies WHERE name_key = ?", nameKey)
      .toArray()[0];
    if (row === undefined) return null;
    const stored = JSON.parse(row.policy) as Omit<CertificatePolicy, "created" | "updated">;
    return { policy: { ...stored, created: row.created, updated: row.updated }, nextActionAt: row.next_action_at };
  }

  put(nameKey: string, policy: CertificatePolicy): void {
    const { created, updated, ...stored } = policy;
    this.sql.exec(
      "INSERT INTO certificate_policies (name_key, policy, created, updated) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (name_key) DO UPDATE SET policy = excluded.policy, updated = excluded.updated",
      nameKey,
      JSON.stringify(stored),
      created,
      updated,
    );
  }

  setNextAction(nameKey: string, nextActionAt: number | null): void {
    this.sql.exec("UPDATE certificate_policies SET next_action_at = ? WHERE name_key = ?", nextActionAt, nameKey);
  }

  delete(nameKey: string): void {
    this.sql.exec("DELETE FROM certificate_policies WHERE name_key = ?", nameKey);
  }

  earliestAction(): number | null {
    return this.sql
      .exec<{ t: number | null }>("SELECT MIN(next_action_at) AS t FROM certificate_policies WHERE next_action_at IS NOT NULL")
      .one().t;
  }

  dueActions(nowSeconds: number): string[] {
    return this.sql
      .exec<{ name_key: string }>("SELECT name_key FROM certificate_policies WHERE next_action_at IS NOT NULL AND next_action_at <= ?", nowSeconds)
      .toArray()
      .map((r) => r.name_key);
  }
}
