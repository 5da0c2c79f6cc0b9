/** A service principal's certificate credentials (tenant migration 0006). All SQL for them lives here. */
export interface PrincipalCertificate {
  readonly keyId: string;
  readonly displayName: string;
  /** base64url SHA-1 of the DER: a client assertion's `x5t`. */
  readonly thumbprintSha1: string;
  /** base64url SHA-256 of the DER: a client assertion's `x5t#S256`. */
  readonly thumbprintSha256: string;
  readonly publicJwk: string;
  readonly subject: string;
  /** Unix seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly der: Uint8Array;
}

type CertificateRow = {
  key_id: string;
  display_name: string;
  thumbprint_sha1: string;
  thumbprint_sha256: string;
  public_jwk: string;
  subject: string;
  not_before: number;
  not_after: number;
  der: ArrayBuffer;
};

const toCertificate = (r: CertificateRow): PrincipalCertificate => ({
  keyId: r.key_id,
  displayName: r.display_name,
  thumbprintSha1: r.thumbprint_sha1,
  thumbprintSha256: r.thumbprint_sha256,
  publicJwk: r.public_jwk,
  subject: r.subject,
  notBefore: r.not_before,
  notAfter: r.not_after,
  der: new Uint8Array(r.der),
});

const COLUMNS = "key_id, display_name, thumbprint_sha1, thumbprint_sha256, public_jwk, subject, not_before, not_after, der";

export class PrincipalCertificateRepository {
  constructor(private readonly sql: SqlStorage) {}

  insert(principalId: string, c: PrincipalCertificate, created: number): void {
    this.sql.exec(
      `INSERT INTO principal_certificates (principal_id, ${COLUMNS}, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      principalId,
      c.keyId,
      c.displayName,
      c.thumbprintSha1,
      c.thumbprintSha256,
      c.publicJwk,
      c.subject,
      c.notBefore,
      c.notAfter,
      c.der,
      created,
    );
  }

  of(principalId: string): PrincipalCertificate[] {
    return this.sql.exec<CertificateRow>(`SELECT ${COLUMNS} FROM principal_certificates WHERE principal_id = ? ORDER BY created, rowid`, principalId).toArray().map(toCertificate);
  }

  delete(principalId: string, keyId: string): boolean {
    return this.sql.exec("DELETE FROM principal_certificates WHERE principal_id = ? AND key_id = ?", principalId, keyId).rowsWritten > 0;
  }

  deleteAllOf(principalId: string): void {
    this.sql.exec("DELETE FROM principal_certificates WHERE principal_id = ?", principalId);
  }
}
