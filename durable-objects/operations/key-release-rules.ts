import type { KeyMetadataInput } from "../../core/contract/keys.ts";
import type { KeyProperties, StoredReleasePolicy } from "../../core/domain/objects/key-properties.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * Azure's rules for exportable keys (keys.json KeyAttributes.exportable: "Release policy must be provided when
 * creating the first version of an exportable key"; the SDKs' live tests refuse `exportable` without a policy and
 * a policy without `exportable`, both with messages naming "exportable"; an immutable policy "cannot be changed
 * under any circumstances"). Secure key release is a Premium and Managed HSM feature, so a standard vault refuses
 * exportable keys. Azure releases HSM-protected keys only; this vault also releases the software RSA and EC keys of
 * a premium vault (docs/key-release.md, "Which keys"), so a deployment without an HSM bridge can release keys too.
 */
export interface ReleaseProps {
  readonly exportable: boolean;
  readonly releasePolicy?: StoredReleasePolicy;
}

const NOT_EXPORTABLE = (): Error => badParameter("A release policy applies only to an exportable key: set attributes.exportable to true.");

/** The release facts of a new key (create, import, BYOK import). */
export function releasePropsForNew(config: VaultConfig, input: KeyMetadataInput): ReleaseProps {
  const policy = input.releasePolicy;
  if (input.exportable !== true) {
    if (policy !== undefined) throw NOT_EXPORTABLE();
    return { exportable: false };
  }
  if (policy === undefined) throw badParameter("An exportable key requires a release policy: attributes.exportable needs release_policy.");
  if (config.sku === "standard") throw badParameter("Exportable keys (secure key release) need a premium vault or a managed HSM; this vault is standard.");
  return { exportable: true, releasePolicy: policy };
}

function samePolicy(a: StoredReleasePolicy, b: StoredReleasePolicy): boolean {
  return a.data === b.data && a.immutable === b.immutable && a.contentType === b.contentType;
}

/** The release facts after an update of a version: `exportable` is fixed at creation; a mutable policy may change. */
export function releasePropsForUpdate(current: KeyProperties, input: KeyMetadataInput): ReleaseProps {
  const kept: ReleaseProps = { exportable: current.exportable, ...(current.releasePolicy === undefined ? {} : { releasePolicy: current.releasePolicy }) };
  if (input.exportable !== undefined && input.exportable !== current.exportable) {
    throw badParameter("The attribute 'exportable' is fixed when a key version is made; it cannot be changed.");
  }
  const policy = input.releasePolicy;
  if (policy === undefined) return kept;
  if (!current.exportable) throw NOT_EXPORTABLE();
  if (current.releasePolicy?.immutable === true && !samePolicy(current.releasePolicy, policy)) {
    throw badParameter("The release policy of this key version is immutable: it cannot be changed.");
  }
  return { exportable: true, releasePolicy: policy };
}

/** A rotation's new version keeps the latest version's exportability and policy (immutable or not). */
export function releasePropsOf(props: KeyProperties): ReleaseProps {
  return { exportable: props.exportable, ...(props.releasePolicy === undefined ? {} : { releasePolicy: props.releasePolicy }) };
}
