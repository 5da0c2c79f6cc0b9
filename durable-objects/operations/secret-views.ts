import { nameKey } from "../../core/domain/objects/ids.ts";
import type { StoredVersion, NameState } from "../../core/domain/objects/versioned-object.ts";
import { recoveryLevel, type VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { DeletedSecretView, SecretView } from "../../core/contract/secrets.ts";
import type { ObjectStore, VaultScope } from "./vault-context.ts";

/** A stored secret version as the Worker sees it in lists; the value only when the operation returns it. */
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

/**
 * The version made just before `v` (SecretBundle.previousVersion, Secrets/models.tsp: "the version of the previous
 * secret, if applicable"). A name's versions are numbered 1, 2, … with no gaps (a version is never deleted on its
 * own, and restore renumbers from 1), so it is the one numbered `seq - 1`: one indexed row, read only for
 * single-secret answers, never for lists.
 */
function previousVersionOf(ctx: ObjectStore, v: StoredVersion): string | undefined {
  if (v.seq <= 1) return undefined;
  return ctx.objects.versionIdAt("secret", nameKey(v.name), v.seq - 1) ?? undefined;
}

/** A SecretBundle: one secret version, with the version made before it. */
export function secretBundleView(ctx: VaultScope & ObjectStore, v: StoredVersion, value?: string): SecretView {
  const previousVersion = previousVersionOf(ctx, v);
  return { ...secretView(ctx.config, v, value), ...(previousVersion === undefined ? {} : { previousVersion }) };
}

/** A DeletedSecretItem (lists of deleted secrets). */
export function deletedSecretView(config: VaultConfig, state: NameState, v: StoredVersion): DeletedSecretView {
  return {
    ...secretView(config, v),
    deletedDate: state.deletedAt ?? 0,
    scheduledPurgeDate: state.scheduledPurgeAt ?? 0,
  };
}

/** A DeletedSecretBundle: SecretBundle's members, previousVersion included, and the deletion's. */
export function deletedSecretBundleView(ctx: VaultScope & ObjectStore, state: NameState, v: StoredVersion): DeletedSecretView {
  return { ...secretBundleView(ctx, v), deletedDate: state.deletedAt ?? 0, scheduledPurgeDate: state.scheduledPurgeAt ?? 0 };
}
