import type { RotationPolicy } from "../../core/domain/objects/rotation-policy.ts";
import { DEFAULT_NOTIFY } from "../../core/domain/objects/rotation-policy.ts";
import type { CryptoResult, DeletedKeyView, KeyAttestation, KeyView } from "../../core/contract/keys.ts";
import { bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import { defines } from "./api-version.ts";

/**
 * Key attributes as Azure writes them: `hsmPlatform` "0" for software and, for HSM keys, the platform recorded when
 * the HSM made them; `key_size` for sized keys (RSA, oct), to clients of a version that defines it
 * (worker/wire/api-version.ts ADDED_MEMBERS).
 */
function attributes(v: KeyView, apiVersion: string) {
  const a = v.attributes;
  return {
    enabled: a.enabled,
    ...(a.nbf === undefined ? {} : { nbf: a.nbf }),
    ...(a.exp === undefined ? {} : { exp: a.exp }),
    ...(v.props.keySize !== undefined && defines(apiVersion, "KeyAttributes.key_size") ? { key_size: v.props.keySize } : {}),
    created: a.created,
    updated: a.updated,
    recoveryLevel: a.recoveryLevel,
    recoverableDays: a.recoverableDays,
    exportable: v.props.exportable,
    hsmPlatform: AZURE_KEY_TYPES[v.props.kty].hsm ? (v.props.hsmPlatform ?? "2") : "0",
  };
}

const common = (v: KeyView, apiVersion: string) => ({
  attributes: attributes(v, apiVersion),
  ...(v.tags === undefined ? {} : { tags: v.tags }),
  ...(v.managed ? { managed: true } : {}),
});

/** KeyBundle.release_policy (stable/7.3 on): on bundles only, never on list items (KeyItem has none). */
function releasePolicy(v: KeyView, apiVersion: string) {
  const policy = v.props.releasePolicy;
  if (policy === undefined || !defines(apiVersion, "KeyBundle.release_policy")) return {};
  return { release_policy: { contentType: policy.contentType, immutable: policy.immutable, data: policy.data } };
}

/** KeyBundle: the public JWK with kid and key_ops; a symmetric key's material is never returned. */
export function keyBundle(base: string, v: KeyView, apiVersion: string) {
  const { kty: _family, ...publicMembers } = v.props.publicJwk ?? { kty: undefined };
  return {
    key: { kid: `${base}/keys/${v.name}/${v.version}`, kty: v.props.kty, key_ops: v.props.keyOps, ...publicMembers },
    ...common(v, apiVersion),
    ...releasePolicy(v, apiVersion),
  };
}

/** GetKeyAttestation: the KeyBundle with `attributes.attestation` (keys.json KeyAttestation, base64url blobs). */
export function keyAttestationBundle(base: string, v: KeyView, attestation: KeyAttestation, apiVersion: string) {
  const bundle = keyBundle(base, v, apiVersion);
  const blob = (name: "certificatePemFile" | "privateKeyAttestation" | "publicKeyAttestation") => {
    const bytes = attestation[name];
    return bytes === undefined ? {} : { [name]: bytesToBase64Url(bytes) };
  };
  return {
    ...bundle,
    attributes: {
      ...bundle.attributes,
      attestation: { ...blob("certificatePemFile"), ...blob("privateKeyAttestation"), ...blob("publicKeyAttestation"), version: attestation.version },
    },
  };
}

/** KeyItem in lists: kid without version. */
export function keyItem(base: string, v: KeyView, apiVersion: string) {
  return { kid: `${base}/keys/${v.name}`, ...common(v, apiVersion) };
}

/** KeyItem in version lists: kid with version. */
export function keyVersionItem(base: string, v: KeyView, apiVersion: string) {
  return { kid: `${base}/keys/${v.name}/${v.version}`, ...common(v, apiVersion) };
}

const deletedFields = (base: string, v: DeletedKeyView) => ({
  recoveryId: `${base}/deletedkeys/${v.name}`,
  deletedDate: v.deletedDate,
  scheduledPurgeDate: v.scheduledPurgeDate,
});

export function deletedKeyBundle(base: string, v: DeletedKeyView, apiVersion: string) {
  return { ...deletedFields(base, v), ...keyBundle(base, v, apiVersion) };
}

export function deletedKeyItem(base: string, v: DeletedKeyView, apiVersion: string) {
  return { ...deletedFields(base, v), ...keyItem(base, v, apiVersion) };
}

/** KeyRotationPolicy; a key without one answers Azure's default (no id, attributes null). */
export function rotationPolicyBody(base: string, name: string, policy: RotationPolicy | null) {
  if (policy === null) return { lifetimeActions: [DEFAULT_NOTIFY], attributes: null };
  return {
    id: `${base}/keys/${name}/rotationpolicy`,
    lifetimeActions: policy.lifetimeActions,
    attributes: { ...(policy.expiryTime === undefined ? {} : { expiryTime: policy.expiryTime }), created: policy.created, updated: policy.updated },
  };
}

/** KeyOperationResult: kid of the version used, base64url value, and iv/tag/aad where the algorithm has them. */
export function operationResult(base: string, r: CryptoResult) {
  return {
    kid: `${base}/keys/${r.name}/${r.version}`,
    value: bytesToBase64Url(r.value),
    ...(r.iv === undefined ? {} : { iv: bytesToBase64Url(r.iv) }),
    ...(r.tag === undefined ? {} : { tag: bytesToBase64Url(r.tag) }),
    ...(r.aad === undefined ? {} : { aad: bytesToBase64Url(r.aad) }),
  };
}
