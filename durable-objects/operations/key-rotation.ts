import { toUnixSeconds } from "../domain/clock.ts";
import { AZURE_KEY_TYPES } from "../crypto/keys/key-types.ts";
import { nameKey } from "../domain/ids.ts";
import { parseKeyProperties } from "../domain/key-properties.ts";
import { expiryFromPolicy, nextRotationMs } from "../domain/rotation-policy.ts";
import type { StoredVersion } from "../domain/versioned-object.ts";
import { generateKey, publicExponentOf } from "../crypto/keys/generate-for-spec.ts";
import { propertiesFor, storeKeyVersion } from "./key-material.ts";
import { liveVersion } from "./object-lifecycle.ts";
import type { VaultContext } from "./vault-context.ts";

const KIND = "key";

/**
 * Points a key's rotation schedule at the moment its policy's Rotate action next falls due for the
 * latest live version (or nowhere), then re-arms the alarm. Call after anything that changes the
 * latest version, its expiry, the policy, or whether the key is live.
 */
export function refreshRotation(ctx: VaultContext, name: string): void {
  const key = nameKey(name);
  const entry = ctx.rotations.get(key);
  if (entry === null) return;
  const state = ctx.objects.findName(KIND, key);
  const latest = state === null || state.deletedAt !== null ? null : ctx.objects.latest(KIND, key);
  const next =
    latest === null
      ? null
      : nextRotationMs(entry.policy, latest.attributes.created * 1000, latest.attributes.exp === undefined ? undefined : latest.attributes.exp * 1000);
  ctx.rotations.setNextRotation(key, next === null ? null : toUnixSeconds(next));
  ctx.reschedule();
}

/**
 * Keys – Rotate: a new version of the same type, size or curve and key_ops, tags carried over, expiring
 * after the policy's expiryTime when it sets one (KeyRotationPolicy.ExpiresIn).
 */
export async function rotateKey(ctx: VaultContext, name: string): Promise<StoredVersion> {
  const latest = liveVersion(ctx, KIND, name, undefined);
  const props = parseKeyProperties(latest.props);
  const family = AZURE_KEY_TYPES[props.kty].family;
  const generated = await generateKey({
    kty: props.kty,
    ...(props.keySize === undefined ? {} : { keySize: props.keySize }),
    ...(props.crv === undefined ? {} : { crv: props.crv }),
    ...(family === "RSA" && props.publicJwk?.kty === "RSA" ? { publicExponent: publicExponentOf(props.publicJwk.e) } : {}),
  });
  const now = ctx.clock.now();
  const exp = expiryFromPolicy(ctx.rotations.get(nameKey(name))?.policy ?? null, now);
  const stored = await storeKeyVersion(ctx, {
    name,
    jwk: generated.jwk,
    props: propertiesFor(generated.jwk, props.kty, props.keyOps),
    ...(exp === undefined ? {} : { attributes: { exp: toUnixSeconds(exp) } }),
    ...(latest.tags === undefined ? {} : { tags: latest.tags }),
  });
  refreshRotation(ctx, name);
  return stored;
}

