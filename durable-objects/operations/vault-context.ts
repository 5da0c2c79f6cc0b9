import type { Clock } from "../../core/domain/clock.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import type { RootKey } from "../../core/crypto/envelope/root-key.ts";
import type { KeyProvider } from "../../core/crypto/providers/key-provider.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import type { HsmPendingKeyRepository } from "../storage/hsm-pending-key-repository.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import type { RotationPolicyRepository } from "../storage/rotation-policy-repository.ts";
import type { AuditRepository } from "../storage/audit-repository.ts";
import type { EventSink } from "./event-sink.ts";
import type { CertificatePolicyRepository } from "../storage/certificate-policy-repository.ts";
import type { CertificateOperationRepository } from "../storage/certificate-operation-repository.ts";
import type { CertificateIssuerRepository } from "../storage/certificate-issuer-repository.ts";
import type { CertificateContactRepository } from "../storage/certificate-contact-repository.ts";

/** What an operation may use inside the vault object; built by vault/handler-context.ts for each request and alarm run. */
export interface VaultContext {
  readonly config: VaultConfig;
  readonly objects: ObjectRepository;
  readonly rotations: RotationPolicyRepository;
  /** The vault's audit log (read by the audit query operations; written by vault/audit-journal.ts only). */
  readonly audit: AuditRepository;
  readonly certificatePolicies: CertificatePolicyRepository;
  readonly certificateOperations: CertificateOperationRepository;
  readonly certificateIssuers: CertificateIssuerRepository;
  readonly certificateContacts: CertificateContactRepository;
  readonly clock: Clock;
  /** Performs operations with key material: software keys here, HSM keys through the bridge. */
  readonly keys: KeyProvider;
  /** The PKCS#11 bridge, when this deployment has one: creates, imports and destroys HSM keys. */
  readonly hsm: HsmBridge | null;
  /** Key-making bridge calls of unknown outcome, for the alarm to undo (hsm-pending-keys.ts). */
  readonly hsmPendingKeys: HsmPendingKeyRepository;
  dataKey(): Promise<DataKey>;
  rootKey(): Promise<RootKey>;
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
  /** Points the alarm at the next due work of any timed duty (vault/duties/) after a change to one. */
  reschedule(): void;
  /** Called inside write transactions so events are stored with the change (an outbox). */
  readonly events: EventSink;
}
