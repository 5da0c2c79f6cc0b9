import type { TenantWrappedKey } from "../tenant/tenant-root-key.ts";
import type { Principal, PrincipalType, TenantInfo } from "../../core/domain/identity/principal.ts";

type PrincipalRow = {
  id: string;
  app_id: string;
  type: string;
  display_name: string;
  tenant_admin: number;
  credential_hash: ArrayBuffer;
  created: number;
};

/** The tenant row, its principals, signing keys and vault list. All SQL of the tenant object. */
export class TenantRepository {
  constructor(private readonly sql: SqlStorage) {}

  load(): { info: TenantInfo; dataKey: TenantWrappedKey } | null {
    const row = this.sql
      .exec<{ tenant_id: string; display_name: string; created: number; wrapped_dek: ArrayBuffer; dek_root_version: number }>(
        "SELECT tenant_id, display_name, created, wrapped_dek, dek_root_version FROM tenant WHERE id = 1",
      )
      .toArray()[0];
    if (row === undefined) return null;
    return {
      info: { id: row.tenant_id, displayName: row.display_name, created: row.created },
      dataKey: { wrapped: new Uint8Array(row.wrapped_dek), rootVersion: row.dek_root_version },
    };
  }

  insert(info: TenantInfo, dataKey: TenantWrappedKey): void {
    this.sql.exec(
      "INSERT INTO tenant (id, tenant_id, display_name, created, wrapped_dek, dek_root_version) VALUES (1, ?, ?, ?, ?, ?)",
      info.id,
      info.displayName,
      info.created,
      dataKey.wrapped,
      dataKey.rootVersion,
    );
  }

  /** The data key re-wrapped by root-key rotation (migration 0010). */
  setDataKey(dataKey: TenantWrappedKey): void {
    this.sql.exec("UPDATE tenant SET wrapped_dek = ?, dek_root_version = ? WHERE id = 1", dataKey.wrapped, dataKey.rootVersion);
  }

  insertPrincipal(p: Principal, credentialHash: Uint8Array): void {
    this.sql.exec(
      "INSERT INTO principals (id, app_id, type, display_name, tenant_admin, credential_hash, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
      p.id,
      p.appId,
      p.type,
      p.displayName,
      p.tenantAdmin ? 1 : 0,
      credentialHash,
      p.created,
    );
  }

  principals(): Principal[] {
    return this.sql
      .exec<PrincipalRow>("SELECT * FROM principals ORDER BY created, id")
      .toArray()
      .map((r) => toPrincipal(r));
  }

  /** By object id or application (client) id. */
  findPrincipal(idOrAppId: string): { principal: Principal; credentialHash: Uint8Array } | null {
    const row = this.sql
      .exec<PrincipalRow>("SELECT * FROM principals WHERE id = ? OR app_id = ?", idOrAppId, idOrAppId)
      .toArray()[0];
    return row === undefined ? null : { principal: toPrincipal(row), credentialHash: new Uint8Array(row.credential_hash) };
  }

  deletePrincipal(id: string): boolean {
    return this.sql.exec("DELETE FROM principals WHERE id = ?", id).rowsWritten > 0;
  }

  signingKeys(): { kid: string; publicJwk: string; sealedPrivateJwk: Uint8Array }[] {
    return this.sql
      .exec<{ kid: string; public_jwk: string; sealed_private_jwk: ArrayBuffer }>(
        "SELECT kid, public_jwk, sealed_private_jwk FROM signing_keys ORDER BY created DESC",
      )
      .toArray()
      .map((r) => ({ kid: r.kid, publicJwk: r.public_jwk, sealedPrivateJwk: new Uint8Array(r.sealed_private_jwk) }));
  }

  insertSigningKey(kid: string, publicJwk: string, sealedPrivateJwk: Uint8Array, created: number): void {
    this.sql.exec(
      "INSERT INTO signing_keys (kid, public_jwk, sealed_private_jwk, created) VALUES (?, ?, ?, ?)",
      kid,
      publicJwk,
      sealedPrivateJwk,
      created,
    );
  }

  vaults(): string[] {
    return this.sql.exec<{ name: string }>("SELECT name FROM vaults ORDER BY name").toArray().map((r) => r.name);
  }

  addVault(name: string, created: number): void {
    this.sql.exec("INSERT OR IGNORE INTO vaults (name, created) VALUES (?, ?)", name, created);
  }

  removeVault(name: string): void {
    this.sql.exec("DELETE FROM vaults WHERE name = ?", name);
  }
}

function toPrincipal(r: PrincipalRow): Principal {
  return {
    id: r.id,
    appId: r.app_id,
    type: r.type as PrincipalType,
    displayName: r.display_name,
    tenantAdmin: r.tenant_admin === 1,
    created: r.created,
  };
}
