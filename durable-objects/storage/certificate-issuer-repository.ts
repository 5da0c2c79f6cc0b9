import type { IssuerSummary, IssuerView, OrganizationDetails } from "../../core/domain/certificates/certificate-issuer.ts";

/** An issuer as stored: its view plus the sealed account password (null when none was given). */
export interface StoredIssuer extends IssuerView {
  readonly sealedPassword: Uint8Array | null;
}

type IssuerRow = {
  name: string;
  provider: string;
  account_id: string | null;
  sealed_password: ArrayBuffer | null;
  org_details: string | null;
  enabled: number;
  created: number;
  updated: number;
};

/**
 * Certificate issuers by lower-cased name (migrations/vault/0006_certificates.sql). `sealed_password` is
 * ciphertext under the vault data key; `org_details` is the OrganizationDetails as JSON.
 */
export class CertificateIssuerRepository {
  constructor(private readonly sql: SqlStorage) {}

  get(nameKey: string): StoredIssuer | null {
    const row = this.sql
      .exec<IssuerRow>(
        "SELECT name, provider, account_id, sealed_password, org_details, enabled, created, updated FROM certificate_issuers WHERE name_key = ?",
        nameKey,
      )
      .toArray()[0];
    return row === undefined ? null : toStoredIssuer(row);
  }

  /** Inserts or replaces the issuer under `nameKey`. */
  put(nameKey: string, issuer: StoredIssuer): void {
    this.sql.exec(
      "INSERT INTO certificate_issuers (name_key, name, provider, account_id, sealed_password, org_details, enabled, created, updated) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, provider = excluded.provider, " +
        "account_id = excluded.account_id, sealed_password = excluded.sealed_password, org_details = excluded.org_details, " +
        "enabled = excluded.enabled, created = excluded.created, updated = excluded.updated",
      nameKey,
      issuer.name,
      issuer.provider,
      issuer.accountId ?? null,
      issuer.sealedPassword,
      issuer.orgDetails === undefined ? null : JSON.stringify(issuer.orgDetails),
      issuer.enabled ? 1 : 0,
      issuer.created,
      issuer.updated,
    );
  }

  /** Whether an issuer was there to delete. */
  delete(nameKey: string): boolean {
    return this.sql.exec("DELETE FROM certificate_issuers WHERE name_key = ?", nameKey).rowsWritten > 0;
  }

  /** Up to `limit` issuers after `afterNameKey` ("" for the first page), in name order. */
  page(afterNameKey: string, limit: number): IssuerSummary[] {
    return this.sql
      .exec<{ name: string; provider: string }>(
        "SELECT name, provider FROM certificate_issuers WHERE name_key > ? ORDER BY name_key LIMIT ?",
        afterNameKey,
        limit,
      )
      .toArray()
      .map((r) => ({ name: r.name, provider: r.provider }));
  }
}

function toStoredIssuer(row: IssuerRow): StoredIssuer {
  return {
    name: row.name,
    provider: row.provider,
    ...(row.account_id === null ? {} : { accountId: row.account_id }),
    ...(row.org_details === null ? {} : { orgDetails: JSON.parse(row.org_details) as OrganizationDetails }),
    enabled: row.enabled === 1,
    created: row.created,
    updated: row.updated,
    sealedPassword: row.sealed_password === null ? null : new Uint8Array(row.sealed_password),
  };
}
