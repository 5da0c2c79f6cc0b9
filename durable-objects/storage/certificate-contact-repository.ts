import type { CertificateContact } from "../../core/domain/certificates/certificate-contact.ts";

/**
 * The vault's certificate contacts: one row (id = 1) holding the list as JSON
 * (migrations/vault/0006_certificates.sql). No row means no contacts are set.
 */
export class CertificateContactRepository {
  constructor(private readonly sql: SqlStorage) {}

  get(): CertificateContact[] | null {
    const row = this.sql.exec<{ contacts: string }>("SELECT contacts FROM certificate_contacts WHERE id = 1").toArray()[0];
    return row === undefined ? null : (JSON.parse(row.contacts) as CertificateContact[]);
  }

  /** Replaces the list (SetCertificateContacts replaces, it does not merge). */
  put(contacts: readonly CertificateContact[]): void {
    this.sql.exec(
      "INSERT INTO certificate_contacts (id, contacts) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET contacts = excluded.contacts",
      JSON.stringify(contacts),
    );
  }

  /** Whether there was a list to delete. */
  delete(): boolean {
    return this.sql.exec("DELETE FROM certificate_contacts WHERE id = 1").rowsWritten > 0;
  }
}
