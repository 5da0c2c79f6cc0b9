import type { ObjectAttributes, Tags } from "../domain/attributes.ts";
import { VERSION_PATTERN } from "../domain/ids.ts";
import type { KeyProperties } from "../domain/key-properties.ts";
import type { RotationPolicy } from "../domain/rotation-policy.ts";
import type { PrivateJwk } from "../crypto/keys/key-types.ts";

/** What a key backup blob holds once opened: every version with its material, and the rotation policy. */
export interface KeyBackup {
  readonly name: string;
  readonly versions: readonly {
    readonly version: string;
    readonly jwk: PrivateJwk;
    readonly props: KeyProperties;
    readonly attributes: ObjectAttributes;
    readonly tags?: Tags;
    readonly managed: boolean;
  }[];
  readonly rotationPolicy?: RotationPolicy;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The blob authenticated under this tenant's backup key; still check the shape before use. */
export function isKeyBackup(value: unknown): value is KeyBackup {
  if (!isRecord(value) || typeof value.name !== "string" || !Array.isArray(value.versions) || value.versions.length === 0) return false;
  return value.versions.every(
    (v: unknown) =>
      isRecord(v) &&
      typeof v.version === "string" &&
      VERSION_PATTERN.test(v.version) &&
      isRecord(v.jwk) &&
      typeof v.jwk.kty === "string" &&
      isRecord(v.props) &&
      typeof v.props.kty === "string" &&
      Array.isArray(v.props.keyOps) &&
      isRecord(v.attributes) &&
      typeof v.attributes.enabled === "boolean" &&
      Number.isSafeInteger(v.attributes.created) &&
      Number.isSafeInteger(v.attributes.updated) &&
      typeof v.managed === "boolean",
  );
}
