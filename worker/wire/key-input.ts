import { AZURE_KEY_TYPES, isAzureKeyType, isEcCurve, type KeyOperation, type PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { validateImportedJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { isKeyOperation } from "../../core/domain/objects/key-properties.ts";
import { validateRotationPolicy, type RotationPolicyInput } from "../../core/domain/objects/rotation-policy.ts";
import type { ByokTarget, ByokTransfer, KeyCreateSpec, KeyMetadataInput } from "../../core/contract/keys.ts";
import { byokTransferInput } from "./byok-transfer.ts";
import { exportableInput, releasePolicyInput } from "./release-policy-input.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { MAX_KEY_TAG_LENGTH, optionalAttributes, optionalTags } from "./assertions.ts";
import type { JsonObject } from "./json-body.ts";

function optionalInteger(body: JsonObject, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw badParameter(`The parameter '${field}' must be an integer.`);
  return value;
}

function keyOps(value: unknown): readonly KeyOperation[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isKeyOperation)) {
    throw badParameter("'key_ops' must be an array of: encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export.");
  }
  return [...new Set(value)];
}

/**
 * An external key (KeyAttributes.external_key {id}, Keys/models.tsp, added in 2026-01-01-preview) lives in an
 * External Key Manager the HSM reaches over its EKM connection (ekm.json); this vault has neither. Refused in every
 * version, and never ignored: a caller who asked for a key held outside must not get a key held here. 400
 * BadParameter, as Azure answers a feature a vault does not offer (`oct` on a vault: "Invalid kty value: oct",
 * Azure/azure-sdk-for-net#13437) and as secure wrap and unwrap are (routes/key-operations.ts).
 */
function refuseExternalKey(body: JsonObject): void {
  const attributes = body.attributes;
  if (typeof attributes !== "object" || attributes === null) return;
  const external = (attributes as JsonObject).external_key;
  if (external !== undefined && external !== null) {
    throw badParameter("External keys (attributes.external_key) need an External Key Manager connection, which this vault does not support.");
  }
}

/**
 * key_ops, attributes, tags, and for secure key release `attributes.exportable` and `release_policy` (its policy
 * parsed here; whether the key may have them is the vault object's rule, durable-objects/operations/key-release-rules.ts).
 */
function metadata(body: JsonObject, ops: unknown): KeyMetadataInput {
  refuseExternalKey(body);
  const k = keyOps(ops);
  const attributes = optionalAttributes(body);
  const tags = optionalTags(body, MAX_KEY_TAG_LENGTH);
  const exportable = exportableInput(body);
  const releasePolicy = releasePolicyInput(body);
  return {
    ...(k === undefined ? {} : { keyOps: k }),
    ...(attributes === undefined ? {} : { attributes }),
    ...(tags === undefined ? {} : { tags }),
    ...(exportable === undefined ? {} : { exportable }),
    ...(releasePolicy === undefined ? {} : { releasePolicy }),
  };
}

/** KeyCreateParameters (keys.json): kty required; size, exponent and curve checked against the type. */
export function createKeyInput(body: JsonObject): { spec: KeyCreateSpec } & KeyMetadataInput {
  const kty = body.kty;
  if (!isAzureKeyType(kty)) throw badParameter("The parameter 'kty' must be one of: EC, EC-HSM, RSA, RSA-HSM, oct, oct-HSM.");
  const family = AZURE_KEY_TYPES[kty].family;
  const keySize = optionalInteger(body, "key_size");
  const publicExponent = optionalInteger(body, "public_exponent");
  const crv = body.crv ?? undefined;
  if (crv !== undefined && !isEcCurve(crv)) throw badParameter("The parameter 'crv' must be one of: P-256, P-384, P-521, P-256K.");
  if (family === "EC" && keySize !== undefined && crv === undefined) throw badParameter("EC keys are sized by 'crv', not 'key_size'.");
  if (family !== "RSA" && publicExponent !== undefined) throw badParameter("'public_exponent' applies to RSA keys only.");
  const spec: KeyCreateSpec = {
    kty,
    ...(family !== "EC" && keySize !== undefined ? { keySize } : {}),
    ...(family === "RSA" && publicExponent !== undefined ? { publicExponent } : {}),
    ...(family === "EC" && crv !== undefined ? { crv } : {}),
  };
  return { spec, ...metadata(body, body.key_ops) };
}

export type ImportKeyInput =
  | ({ readonly kind: "key.import"; readonly jwk: PrivateJwk; readonly hsm: boolean } & KeyMetadataInput)
  | ({ readonly kind: "key.importByok"; readonly target: ByokTarget; readonly transfer: ByokTransfer } & KeyMetadataInput);

/**
 * KeyImportParameters: `key` is a JWK with private parts, `Hsm` asking for HSM protection; or, for BYOK, a JWK
 * whose `key_hsm` holds a key transfer blob, `kty` an HSM type and, for EC, `crv` (BYOK specification: "To import
 * an EC key, you must specify key type and the curve name").
 */
export function importKeyInput(body: JsonObject, vaultBaseUrl: string): ImportKeyInput {
  const key = body.key;
  if (typeof key !== "object" || key === null || Array.isArray(key)) throw badParameter('The property "key" must be a valid JsonWebKey object.');
  const jwkIn = key as JsonObject;
  if (jwkIn.key_hsm !== undefined && jwkIn.key_hsm !== null) {
    return { kind: "key.importByok", target: byokTarget(jwkIn), transfer: byokTransferInput(jwkIn.key_hsm, vaultBaseUrl), ...metadata(body, jwkIn.key_ops) };
  }
  const kty = jwkIn.kty;
  const hsmKty = isAzureKeyType(kty) && AZURE_KEY_TYPES[kty].hsm;
  const hsmFlag = body.Hsm ?? false;
  if (typeof hsmFlag !== "boolean") throw badParameter("The parameter 'Hsm' must be a boolean.");
  const jwk = validateImportedJwk(hsmKty ? { ...jwkIn, kty: AZURE_KEY_TYPES[kty].family } : jwkIn);
  return { kind: "key.import", jwk, hsm: hsmFlag || hsmKty, ...metadata(body, jwkIn.key_ops) };
}

/** A BYOK target is always HSM-protected: `RSA` and `RSA-HSM` both mean RSA-HSM (the CLI sends the latter). */
function byokTarget(jwk: JsonObject): ByokTarget {
  const kty = jwk.kty;
  if (!isAzureKeyType(kty)) throw badParameter("The parameter 'kty' must be one of: EC-HSM, RSA-HSM, oct-HSM.");
  const family = AZURE_KEY_TYPES[kty].family;
  if (family !== "EC") return { kty: `${family}-HSM` };
  if (!isEcCurve(jwk.crv)) throw badParameter("A BYOK import of an EC key needs 'crv': one of P-256, P-384, P-521, P-256K.");
  return { kty: "EC-HSM", crv: jwk.crv };
}

/** KeyUpdateParameters: key_ops, attributes, tags. */
export function updateKeyInput(body: JsonObject): KeyMetadataInput {
  return metadata(body, body.key_ops);
}

/** KeyRotationPolicy on PUT: lifetimeActions and attributes.expiryTime. */
export function rotationPolicyInput(body: JsonObject): RotationPolicyInput {
  const attributes = body.attributes;
  if (attributes !== undefined && attributes !== null && (typeof attributes !== "object" || Array.isArray(attributes))) {
    throw badParameter("The parameter 'attributes' must be an object.");
  }
  return validateRotationPolicy(body.lifetimeActions, (attributes as JsonObject | null | undefined)?.expiryTime);
}

/** Azure's /rng: 1..128 random bytes (keys.json GetRandomBytesRequest). */
export function randomCountInput(body: JsonObject): number {
  const count = body.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 128) {
    throw badParameter("The parameter 'count' must be an integer from 1 to 128.");
  }
  return count;
}
