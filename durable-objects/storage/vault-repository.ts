import { isVaultSku, type VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { AUDIT_RETENTION_DEFAULT_DAYS, type EdgeReadSettings } from "../../core/domain/vault/vault-operational-settings.ts";
import { isLongRunningMode, type LongRunningMode } from "../../core/domain/objects/long-running.ts";
import type { NetworkAcls } from "../../core/domain/vault/network-acls.ts";
import type { CorsRules } from "../../core/domain/vault/cors-rules.ts";
import type { AccessModel } from "../../core/domain/vault/vault-operational-settings.ts";
import type { StoredDataKey } from "../../core/crypto/envelope/vault-data-key.ts";
import type { AccessPolicyEntry } from "../../core/domain/rbac/access-policy.ts";

type VaultRow = {
  name: string;
  tenant_id: string;
  retention_days: number;
  purge_protection: number;
  sku: string;
  created: number;
  wrapped_dek: ArrayBuffer;
  dek_hsm_key_id: string | null;
  dek_root_version: number;
  deleted_at: number | null;
  scheduled_purge_at: number | null;
};

/** When a soft-deleted vault was deleted and is purged (migration 0019), Unix seconds. */
export interface VaultDeletion {
  readonly deletedAt: number;
  readonly scheduledPurgeAt: number;
}

/** The vault's single settings row and its wrapped data key. */
export class VaultRepository {
  constructor(private readonly sql: SqlStorage) {}

  load(): { config: VaultConfig; dataKey: StoredDataKey; deletion: VaultDeletion | null } | null {
    const row = this.sql
      .exec<VaultRow>(
        "SELECT name, tenant_id, retention_days, purge_protection, sku, created, wrapped_dek, dek_hsm_key_id, dek_root_version, deleted_at, scheduled_purge_at FROM vault WHERE id = 1",
      )
      .toArray()[0];
    if (row === undefined) return null;
    return {
      config: {
        name: row.name,
        tenantId: row.tenant_id,
        retentionDays: row.retention_days,
        purgeProtection: row.purge_protection === 1,
        sku: isVaultSku(row.sku) ? row.sku : "standard",
        created: row.created,
        ...(row.dek_hsm_key_id === null ? {} : { dataKeyProtection: "hsm" as const }),
      },
      dataKey: { wrapped: new Uint8Array(row.wrapped_dek), hsmKeyId: row.dek_hsm_key_id, rootVersion: row.dek_root_version },
      deletion:
        row.deleted_at === null || row.scheduled_purge_at === null ? null : { deletedAt: row.deleted_at, scheduledPurgeAt: row.scheduled_purge_at },
    };
  }

  /** Soft delete (null: recovery): the row and everything else stay, only these marks change. */
  setDeletion(deletion: VaultDeletion | null): void {
    this.sql.exec(
      "UPDATE vault SET deleted_at = ?, scheduled_purge_at = ? WHERE id = 1",
      deletion?.deletedAt ?? null,
      deletion?.scheduledPurgeAt ?? null,
    );
  }

  /** ARM's enablePurgeProtection may be turned on after creation, never off. */
  enablePurgeProtection(): void {
    this.sql.exec("UPDATE vault SET purge_protection = 1 WHERE id = 1");
  }

  auditRetentionDays(): number {
    return this.sql.exec<{ d: number }>("SELECT audit_retention_days AS d FROM vault WHERE id = 1").toArray()[0]?.d ?? AUDIT_RETENTION_DEFAULT_DAYS;
  }

  setAuditRetentionDays(days: number): void {
    this.sql.exec("UPDATE vault SET audit_retention_days = ? WHERE id = 1", days);
  }

  longRunningMode(): LongRunningMode {
    const mode = this.sql.exec<{ m: string }>("SELECT long_running_operations AS m FROM vault WHERE id = 1").toArray()[0]?.m;
    return isLongRunningMode(mode) ? mode : "azure";
  }

  setLongRunningMode(mode: LongRunningMode): void {
    this.sql.exec("UPDATE vault SET long_running_operations = ? WHERE id = 1", mode);
  }

  /** The edge-read switches of migration 0011 (docs/edge-reads.md). */
  edgeReads(): EdgeReadSettings {
    const row = this.sql.exec<{ c: number; j: number }>("SELECT edge_cache AS c, public_jwks AS j FROM vault WHERE id = 1").toArray()[0];
    return { edgeCache: row?.c === 1, publicJwks: row?.j === 1 };
  }

  /** The firewall of migration 0015 (docs/access-control.md), null when it admits everyone. */
  networkAcls(): NetworkAcls | null {
    const raw = this.sql.exec<{ a: string | null }>("SELECT network_acls AS a FROM vault WHERE id = 1").toArray()[0]?.a;
    return raw == null ? null : (JSON.parse(raw) as NetworkAcls);
  }

  /** The CORS rule of migration 0016 (docs/access-control.md), null when browsers get none. */
  cors(): CorsRules | null {
    const raw = this.sql.exec<{ c: string | null }>("SELECT cors AS c FROM vault WHERE id = 1").toArray()[0]?.c;
    return raw == null ? null : (JSON.parse(raw) as CorsRules);
  }

  /** The permission model of migration 0017 (docs/access-control.md "Access policies"). */
  accessModel(): AccessModel {
    const row = this.sql
      .exec<{ r: number; p: string | null }>("SELECT enable_rbac_authorization AS r, access_policies AS p FROM vault WHERE id = 1")
      .toArray()[0];
    return { enableRbacAuthorization: row?.r !== 0, accessPolicies: row?.p == null ? [] : (JSON.parse(row.p) as AccessPolicyEntry[]) };
  }

  setEnableRbacAuthorization(on: boolean): void {
    this.sql.exec("UPDATE vault SET enable_rbac_authorization = ? WHERE id = 1", on ? 1 : 0);
  }

  setAccessPolicies(entries: readonly AccessPolicyEntry[]): void {
    this.sql.exec("UPDATE vault SET access_policies = ? WHERE id = 1", JSON.stringify(entries));
  }

  setCors(rules: CorsRules | null): void {
    this.sql.exec("UPDATE vault SET cors = ? WHERE id = 1", rules === null ? null : JSON.stringify(rules));
  }

  setNetworkAcls(acls: NetworkAcls | null): void {
    this.sql.exec("UPDATE vault SET network_acls = ? WHERE id = 1", acls === null ? null : JSON.stringify(acls));
  }

  setEdgeCache(on: boolean): void {
    this.sql.exec("UPDATE vault SET edge_cache = ? WHERE id = 1", on ? 1 : 0);
  }

  edgeLeaseHorizon(): number {
    return this.sql.exec<{ h: number }>("SELECT edge_lease_horizon AS h FROM vault WHERE id = 1").toArray()[0]?.h ?? 0;
  }

  setEdgeLeaseHorizon(ms: number): void {
    this.sql.exec("UPDATE vault SET edge_lease_horizon = ? WHERE id = 1", ms);
  }

  setPublicJwks(on: boolean): void {
    this.sql.exec("UPDATE vault SET public_jwks = ? WHERE id = 1", on ? 1 : 0);
  }

  /** The data key re-wrapped by root-key rotation (migration 0021): the same key, a new wrapping. */
  setDataKey(dataKey: StoredDataKey): void {
    this.sql.exec(
      "UPDATE vault SET wrapped_dek = ?, dek_hsm_key_id = ?, dek_root_version = ? WHERE id = 1",
      dataKey.wrapped,
      dataKey.hsmKeyId,
      dataKey.rootVersion,
    );
  }

  insert(config: VaultConfig, dataKey: StoredDataKey): void {
    this.sql.exec(
      "INSERT INTO vault (id, name, tenant_id, retention_days, purge_protection, sku, created, wrapped_dek, dek_hsm_key_id, dek_root_version) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      config.name,
      config.tenantId,
      config.retentionDays,
      config.purgeProtection ? 1 : 0,
      config.sku,
      config.created,
      dataKey.wrapped,
      dataKey.hsmKeyId,
      dataKey.rootVersion,
    );
  }
}
