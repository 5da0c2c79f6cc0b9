import { toUnixSeconds } from "../../core/domain/clock.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { AZURE_KEY_TYPES, type PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import type { KeyCreateSpec } from "../../core/contract/keys.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties, type KeyProperties } from "../../core/domain/objects/key-properties.ts";
import { expiryFromPolicy, nextRotationMs } from "../../core/domain/objects/rotation-policy.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { generateKey, publicExponentOf } from "../../core/crypto/keys/generate-for-spec.ts";
import { propertiesFor, storeKeyVersion } from "./key-material.ts";
import { generateHsmKey, storeHsmKeyVersion } from "./hsm-keys.ts";
import { releasePropsOf } from "./key-release-rules.ts";
import { liveVersion } from "./object-lifecycle.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, Scheduling, EventOutbox, RotationStore } from "./vault-context.ts";

const KIND = "key";

/**
 * Points a key's rotation schedule at the moment its policy's Rotate action next falls due for the
 * latest live version (or nowhere), then re-arms the alarm. Call after anything that changes the
 * latest version, its expiry, the policy, or whether the key is live.
 */
export function refreshRotation(ctx: ObjectStore & Scheduling & RotationStore, name: string): void {
  const key = nameKey(name);
  const entry = ctx.rotations.get(key);
  if (entry === null) return;
  const found = ctx.objects.versionWithState(KIND, key, undefined);
  const latest = found === null || found.state.deletedAt !== null ? null : found.latest;
  const next =
    latest === null
      ? null
      : nextRotationMs(entry.policy, latest.attributes.created * 1000, latest.attributes.exp === undefined ? undefined : latest.attributes.exp * 1000);
  ctx.rotations.setNextRotation(key, next === null ? null : toUnixSeconds(next));
  ctx.reschedule();
}

/** What a rotation of this key generates: the latest version's type, size or curve, and exponent. */
export function rotationSpec(ctx: VaultScope & ObjectStore, name: string): KeyCreateSpec {
  return specOf(parseKeyProperties(liveVersion(ctx, KIND, name, undefined).props));
}

function specOf(props: KeyProperties): KeyCreateSpec {
  const family = AZURE_KEY_TYPES[props.kty].family;
  return {
    kty: props.kty,
    ...(props.keySize === undefined ? {} : { keySize: props.keySize }),
    ...(props.crv === undefined ? {} : { crv: props.crv }),
    ...(family === "RSA" && props.publicJwk?.kty === "RSA" ? { publicExponent: publicExponentOf(props.publicJwk.e) } : {}),
  };
}

const sameShape = (jwk: PrivateJwk, spec: KeyCreateSpec): boolean => {
  const made = propertiesFor(jwk, spec.kty, []);
  return AZURE_KEY_TYPES[spec.kty].family === jwk.kty && made.keySize === spec.keySize && made.crv === spec.crv;
};

/**
 * Keys – Rotate: a new version of the same type, size or curve and key_ops, tags carried over, expiring
 * after the policy's expiryTime when it sets one (KeyRotationPolicy.ExpiresIn), exportable under the same release
 * policy when the latest version is. Manual rotation brings
 * material the Worker generated from {@link rotationSpec}; the alarm generates here, rarely and briefly.
 */
export async function rotateKey(ctx: VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & Scheduling & EventOutbox & RotationStore, name: string, material?: PrivateJwk): Promise<StoredVersion> {
  const latest = liveVersion(ctx, KIND, name, undefined);
  const props = parseKeyProperties(latest.props);
  const spec = specOf(props);
  if (material !== undefined && !sameShape(material, spec)) {
    throw new VaultError("Conflict", `Key ${name} changed while it was being rotated; retry the rotation.`);
  }
  const now = ctx.clock.now();
  const exp = expiryFromPolicy(ctx.rotations.get(nameKey(name))?.policy ?? null, now);
  const metadata = {
    name,
    ...(exp === undefined ? {} : { attributes: { exp: toUnixSeconds(exp) } }),
    ...(latest.tags === undefined ? {} : { tags: latest.tags }),
  };
  let stored: StoredVersion;
  if (AZURE_KEY_TYPES[spec.kty].hsm) {
    // The token generates the new version; the bridge call is remote I/O, not CPU held by this object.
    const made = await generateHsmKey(ctx, spec, props.keyOps, props.exportable);
    stored = await storeHsmKeyVersion(ctx, { ...made, props: { ...made.props, ...releasePropsOf(props) } }, metadata);
  } else {
    const generated = material ?? (await generateKey(spec)).jwk;
    // An exportable key stays exportable under the same release policy (an immutable one cannot be dropped).
    stored = await storeKeyVersion(ctx, { ...metadata, material: generated, props: { ...propertiesFor(generated, props.kty, props.keyOps), ...releasePropsOf(props) } });
  }
  refreshRotation(ctx, name);
  return stored;
}


/** Rotates the keys whose policy's Rotate action has fallen due (the alarm); a failure is retried by the alarm. */
export async function rotateDueKeys(ctx: VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & Scheduling & EventOutbox & RotationStore, nowSeconds: number): Promise<void> {
  for (const key of ctx.rotations.dueRotations(nowSeconds)) {
    const state = ctx.objects.findName(KIND, key);
    if (state === null) ctx.rotations.delete(key);
    else if (state.deletedAt !== null) ctx.rotations.setNextRotation(key, null);
    else await rotateKey(ctx, state.name);
  }
}
