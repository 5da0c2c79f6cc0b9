/**
 * The vault object's RPC contract: every operation of every feature (one file each), the call that carries one, and
 * the settings a vault is created with.
 */
import type { VaultSku } from "../domain/vault/vault-config.ts";
import type { AuditOp, AuditResults } from "./audit.ts";
import type { CertificateIssuerOp, CertificateIssuerResults } from "./certificate-issuers.ts";
import type { CertificateOp, CertificateResults } from "./certificates.ts";
import type { Caller, RequestInfo } from "./common.ts";
import type { KeyOp, KeyResults } from "./keys.ts";
import type { KeySetOp, KeySetResults } from "./key-sets.ts";
import type { HsmRbacOp, HsmRbacResults } from "./managed-hsm-rbac.ts";
import type { HsmSettingsOp, HsmSettingsResults } from "./managed-hsm-settings.ts";
import type { HsmSecurityDomainOp, HsmSecurityDomainResults } from "./managed-hsm-security-domain.ts";
import type { HsmBackupOp, HsmBackupResults } from "./managed-hsm-backup.ts";
import type { SecretOp, SecretResults } from "./secrets.ts";

export type VaultOp = SecretOp | KeyOp | AuditOp | CertificateOp | CertificateIssuerOp | KeySetOp | HsmRbacOp | HsmSettingsOp | HsmSecurityDomainOp | HsmBackupOp;
export type VaultResults = SecretResults &
  KeyResults &
  AuditResults &
  CertificateResults &
  CertificateIssuerResults &
  KeySetResults &
  HsmRbacResults &
  HsmSettingsResults &
  HsmSecurityDomainResults &
  HsmBackupResults;
export type OpKind = VaultOp["kind"];
export type OpOf<K extends OpKind> = Extract<VaultOp, { kind: K }>;

/** One data-plane request to a vault: who asks and what (the op's descriptor says which data action it needs). */
export interface VaultCall {
  readonly caller: Caller;
  readonly op: VaultOp;
  readonly request: RequestInfo;
}

/** Vault settings the control plane sets at creation. */
export interface VaultSettings {
  readonly name: string;
  readonly tenantId: string;
  readonly retentionDays: number;
  readonly purgeProtection: boolean;
  readonly sku: VaultSku;
  readonly dataKeyProtection?: "hsm";
}
