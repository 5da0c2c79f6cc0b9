import { parseKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { NameState, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { recoveryLevel, type VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { DeletedKeyView, KeyView } from "../../core/contract/keys.ts";

/** A stored key version as the Worker sees it: public properties only, never the private JWK. */
export function keyView(config: VaultConfig, v: StoredVersion): KeyView {
  return {
    name: v.name,
    version: v.version,
    props: parseKeyProperties(v.props),
    attributes: { ...v.attributes, recoverableDays: config.retentionDays, recoveryLevel: recoveryLevel(config) },
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    managed: v.managed,
  };
}

export function deletedKeyView(config: VaultConfig, state: NameState, v: StoredVersion): DeletedKeyView {
  return { ...keyView(config, v), deletedDate: state.deletedAt ?? 0, scheduledPurgeDate: state.scheduledPurgeAt ?? 0 };
}
