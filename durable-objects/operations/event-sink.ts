import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";

/**
 * What operations tell the event system, synchronously, inside the transaction that made the change
 * (an outbox: the event is stored with the change or not at all). Delivery happens later, by alarm.
 */
export interface EventSink {
  /** A new version exists (set, create, import, rotate): NewVersionCreated to matching subscriptions. */
  versionCreated(kind: ObjectKind, name: string, version: string): void;
  /**
   * Something that decides when a name's versions near expiry or expire changed (a version created or
   * updated, the name deleted, recovered, restored or purged, a key's rotation policy set): recompute
   * that name's pending NearExpiry/Expired triggers from what is stored now.
   */
  expiryInputsChanged(kind: ObjectKind, name: string): void;
  /**
   * A lifetime action that notifies (a certificate policy's EmailContacts) fell due for a version: its
   * NearExpiry, at most once per version and subscription.
   */
  nearExpiryNotice(kind: ObjectKind, name: string, version: string): void;
  /** Role assignments on the vault changed: VaultAccessPolicyChanged. */
  accessPolicyChanged(): void;
}
