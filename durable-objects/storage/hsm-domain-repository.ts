/**
 * A managed HSM's security-domain state on the vault row (migration 0014): when it was activated, its sealed domain
 * secrets and upload transfer key, and its last security-domain operation. All SQL for them lives here.
 */
export interface DomainOperation {
  readonly kind: "download" | "upload";
  /** Unix ms from which the operation reads as done (the vault's long-running-operation delay). */
  readonly settlesAt: number;
}

export class HsmDomainRepository {
  constructor(private readonly sql: SqlStorage) {}

  activatedAt(): number | null {
    return this.sql.exec<{ a: number | null }>("SELECT hsm_activated_at AS a FROM vault WHERE id = 1").toArray()[0]?.a ?? null;
  }

  activate(atMs: number): void {
    this.sql.exec("UPDATE vault SET hsm_activated_at = ? WHERE id = 1", atMs);
  }

  sealedDomain(): Uint8Array | null {
    const row = this.sql.exec<{ d: ArrayBuffer | null }>("SELECT sealed_hsm_domain AS d FROM vault WHERE id = 1").toArray()[0];
    return row?.d == null ? null : new Uint8Array(row.d);
  }

  setSealedDomain(sealed: Uint8Array): void {
    this.sql.exec("UPDATE vault SET sealed_hsm_domain = ? WHERE id = 1", sealed);
  }

  sealedTransferKey(): Uint8Array | null {
    const row = this.sql.exec<{ k: ArrayBuffer | null }>("SELECT sealed_transfer_key AS k FROM vault WHERE id = 1").toArray()[0];
    return row?.k == null ? null : new Uint8Array(row.k);
  }

  setSealedTransferKey(sealed: Uint8Array | null): void {
    this.sql.exec("UPDATE vault SET sealed_transfer_key = ? WHERE id = 1", sealed);
  }

  operation(): DomainOperation | null {
    const raw = this.sql.exec<{ o: string | null }>("SELECT hsm_domain_operation AS o FROM vault WHERE id = 1").toArray()[0]?.o;
    return raw == null ? null : (JSON.parse(raw) as DomainOperation);
  }

  setOperation(operation: DomainOperation): void {
    this.sql.exec("UPDATE vault SET hsm_domain_operation = ? WHERE id = 1", JSON.stringify(operation));
  }
}
