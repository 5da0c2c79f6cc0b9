import type { KeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { RotationPolicy } from "../../core/domain/objects/rotation-policy.ts";
import type { StoredKeyMaterial } from "../../core/hsm/hsm-key-reference.ts";
import { isBackedUpVersion, isRecord, type BackedUpVersion } from "./object-backup.ts";

/** A key version's backed-up value: its private JWK or HSM reference (inside the seal) and public properties. */
export interface KeyBackupValue {
  readonly jwk: StoredKeyMaterial;
  readonly props: KeyProperties;
}

export interface KeyBackup {
  readonly name: string;
  readonly versions: readonly BackedUpVersion<KeyBackupValue>[];
  readonly rotationPolicy?: RotationPolicy;
}

/** The blob authenticated under this tenant's backup key; still check the shape before use. */
export function isKeyBackup(payload: unknown): payload is KeyBackup {
  if (!isRecord(payload) || typeof payload.name !== "string" || !Array.isArray(payload.versions) || payload.versions.length === 0) return false;
  return payload.versions.every((v: unknown) =>
    isBackedUpVersion(
      v,
      (value) =>
        isRecord(value) &&
        isRecord(value.jwk) &&
        typeof value.jwk.kty === "string" &&
        isRecord(value.props) &&
        typeof value.props.kty === "string" &&
        Array.isArray(value.props.keyOps),
    ),
  );
}
