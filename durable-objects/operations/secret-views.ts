import type { StoredVersion, NameState } from "../../core/domain/objects/versioned-object.ts";
import { recoveryLevel, type VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { DeletedSecretView, SecretView } from "../../core/contract/secrets.ts";

/** A stored secret version as the Worker sees it; the value only when the operation returns it. */
export function secretView(config: VaultConfig, v: StoredVersion, value?: string): SecretView {
  return {
    name: v.name,
    version: v.version,
    ...(value === undefined ? {} : { value }),
    ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
    attributes: { ...v.attributes, recoverableDays: config.retentionDays, recoveryLevel: recoveryLevel(config) },
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    managed: v.managed,
  };
}

export function deletedSecretView(config: VaultConfig, state: NameState, v: StoredVersion): DeletedSecretView {
  return {
    ...secretView(config, v),
    deletedDate: state.deletedAt ?? 0,
    scheduledPurgeDate: state.scheduledPurgeAt ?? 0,
  };
}
