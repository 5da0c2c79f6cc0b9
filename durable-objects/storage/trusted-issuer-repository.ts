import type { TrustedIssuer } from "../../core/domain/identity/trusted-issuer.ts";

/** A tenant's trusted external issuers and the object ids each maps (tenant migration 0009). All their SQL lives here. */
type IssuerRow = { name: string; issuer: string; external_tenant_id: string; created: number; updated: number };

export class TrustedIssuerRepository {
  constructor(private readonly sql: SqlStorage) {}

  all(): TrustedIssuer[] {
    const rows = this.sql.exec<IssuerRow>("SELECT name, issuer, external_tenant_id, created, updated FROM trusted_issuers ORDER BY created, name").toArray();
    const objects = this.sql.exec<{ object_id: string; issuer_name: string }>("SELECT object_id, issuer_name FROM trusted_issuer_objects ORDER BY object_id").toArray();
    return rows.map((r) => ({
      name: r.name,
      issuer: r.issuer,
      tenantId: r.external_tenant_id === "" ? null : r.external_tenant_id,
      objectIds: objects.filter((o) => o.issuer_name === r.name).map((o) => o.object_id),
      created: r.created,
      updated: r.updated,
    }));
  }

  find(name: string): TrustedIssuer | null {
    return this.all().find((t) => t.name === name) ?? null;
  }

  /** The trusted issuer mapping `objectId`, if any. */
  mapping(objectId: string): string | null {
    return this.sql.exec<{ issuer_name: string }>("SELECT issuer_name FROM trusted_issuer_objects WHERE object_id = ?", objectId).toArray()[0]?.issuer_name ?? null;
  }

  /** Inserts or replaces the issuer named `t.name` (its creation time kept on replace) with exactly its object ids. */
  put(t: TrustedIssuer): void {
    this.sql.exec(
      `INSERT INTO trusted_issuers (name, issuer, external_tenant_id, created, updated) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET issuer = excluded.issuer, external_tenant_id = excluded.external_tenant_id, updated = excluded.updated`,
      t.name,
      t.issuer,
      t.tenantId ?? "",
      t.created,
      t.updated,
    );
    this.sql.exec("DELETE FROM trusted_issuer_objects WHERE issuer_name = ?", t.name);
    for (const id of t.objectIds) this.sql.exec("INSERT INTO trusted_issuer_objects (object_id, issuer_name) VALUES (?, ?)", id, t.name);
  }

  delete(name: string): boolean {
    this.sql.exec("DELETE FROM trusted_issuer_objects WHERE issuer_name = ?", name);
    return this.sql.exec("DELETE FROM trusted_issuers WHERE name = ?", name).rowsWritten > 0;
  }
}
