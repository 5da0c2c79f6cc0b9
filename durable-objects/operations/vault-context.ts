import type { Clock } from "../../core/domain/clock.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import type { RootKey } from "../../core/crypto/envelope/root-key.ts";
import type { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import type { KeyProvider } from "../../core/crypto/providers/key-provider.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import type { HsmPendingKeyRepository } from "../storage/hsm-pending-key-repository.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import type { RotationPolicyRepository } from "../storage/rotation-policy-repository.ts";
import type { AuditRepository } from "../storage/audit-repository.ts";
import type { ReleaseNonceRepository } from "../storage/release-nonce-repository.ts";
import type { RoleAssignmentRepository } from "../storage/role-assignment-repository.ts";
import type { HsmRoleDefinitionRepository } from "../storage/hsm-role-definition-repository.ts";
import type { HsmSettingsRepository } from "../storage/hsm-settings-repository.ts";
import type { HsmDomainRepository } from "../storage/hsm-domain-repository.ts";
import type { HsmJobRepository } from "../storage/hsm-job-repository.ts";
import type { BackupBucket } from "./hsm-backup-bucket.ts";
import type { ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { EventSink } from "./event-sink.ts";
import type { CertificatePolicyRepository } from "../storage/certificate-policy-repository.ts";
import type { CertificateOperationRepository } from "../storage/certificate-operation-repository.ts";
import type { CertificateIssuerRepository } from "../storage/certificate-issuer-repository.ts";
import type { CertificateContactRepository } from "../storage/certificate-contact-repository.ts";

/** Which vault an operation serves, and the time it runs at. */
export interface VaultScope {
  readonly config: VaultConfig;
  readonly clock: Clock;
  /**
   * How long after its call a delete, recover or certificate creation completes: 0 completes them at once
   * (the vault's `longRunningOperations` setting, core/domain/objects/long-running.ts).
   */
  readonly completionDelayMs: number;
}

/** The vault's keys, secrets and certificates (their versions, deleted or not). */
export interface ObjectStore {
  readonly objects: ObjectRepository;
}

/** The envelope keys that seal and unseal stored material. */
export interface Sealing {
  dataKey(): Promise<DataKey>;
  /** The current root key version's key, for new seals. */
  rootKey(): Promise<RootKey>;
  /** Every usable root key version, for opening what an earlier version sealed (backups, docs/root-key-rotation.md). */
  rootKeys(): RootKeyRing;
}

/** Atomic synchronous writes. */
export interface Transactions {
  /**
   * Runs synchronous writes atomically, together with the request's audit record (the first
   * transaction of a request carries it). Never await inside.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Runs synchronous writes atomically on their own, never with the request's audit record: bookkeeping that must
   * stay even though the request fails (a bridge call to undo later).
   */
  bookkeeping<T>(fn: () => T): T;
}

/** Operations with key material, software or HSM. */
export interface KeyAccess {
  /** Performs operations with key material: software keys here, HSM keys through the bridge. */
  readonly keys: KeyProvider;
  /** The PKCS#11 bridge, when this deployment has one: creates, imports and destroys HSM keys. */
  readonly hsm: HsmBridge | null;
  /** Key-making bridge calls of unknown outcome, for the alarm to undo (hsm-pending-keys.ts). */
  readonly hsmPendingKeys: HsmPendingKeyRepository;
}

/** The alarm that runs timed duties. */
export interface Scheduling {
  /** Points the alarm at the next due work of any timed duty (vault/duties/) after a change to one. */
  reschedule(): void;
}

/** Events to deliver to subscribers. */
export interface EventOutbox {
  /** Called inside write transactions so events are stored with the change (an outbox). */
  readonly events: EventSink;
}

/** Certificate policies, pending operations, issuers and contacts. */
export interface CertificateStores {
  readonly certificatePolicies: CertificatePolicyRepository;
  readonly certificateOperations: CertificateOperationRepository;
  readonly certificateIssuers: CertificateIssuerRepository;
  readonly certificateContacts: CertificateContactRepository;
}

/** Key rotation policies. */
export interface RotationStore {
  readonly rotations: RotationPolicyRepository;
}

/** Nonces spent by secure key release (key-release-nonces.ts). */
export interface ReleaseNonces {
  readonly releaseNonces: ReleaseNonceRepository;
}

/** A managed HSM's local RBAC and settings (hsm-rbac.ts, hsm-settings.ts). */
export interface HsmAdministration {
  readonly roleAssignments: RoleAssignmentRepository;
  readonly roleDefinitions: HsmRoleDefinitionRepository;
  readonly hsmSettings: HsmSettingsRepository;
  /** A built-in Managed HSM role or a custom role of this HSM, by GUID, as the access check sees it. */
  roleDefinition(id: string): ManagedHsmRoleDefinition | undefined;
  /** After assignments or definitions changed (in the transaction that changed them): the access caches forget. */
  accessChanged(): void;
}

/** A managed HSM's security domain: its activation, sealed secrets and transfer key (hsm-security-domain.ts). */
export interface HsmDomain {
  readonly hsmDomain: HsmDomainRepository;
}

/** A managed HSM's backup and restore jobs (hsm-backup-jobs.ts). */
export interface HsmJobs {
  readonly hsmJobs: HsmJobRepository;
}

/** Where full backups go: this deployment's R2 bucket, or null without the binding (hsm-backup-bucket.ts). */
export interface BackupStorage {
  readonly backups: BackupBucket | null;
}

/** The vault's audit log (read by the audit query operations; written by vault/audit-journal.ts only). */
export interface AuditLog {
  readonly audit: AuditRepository;
}

/**
 * Everything an operation may use inside the vault object; built by vault/handler-context.ts for each request and
 * alarm run. Functions take only the roles above that they use.
 */
export type VaultContext = VaultScope &
  ObjectStore &
  Sealing &
  Transactions &
  KeyAccess &
  Scheduling &
  EventOutbox &
  CertificateStores &
  RotationStore &
  ReleaseNonces &
  HsmAdministration &
  HsmDomain &
  HsmJobs &
  BackupStorage &
  AuditLog;
