import { AZURE_KEY_TYPES, type AzureKeyType, type KeyOperation, type PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { base64UrlToBytes, utf8 } from "../../core/crypto/bytes.ts";
import { isHsmReference, type StoredKeyMaterial } from "../../core/hsm/hsm-key-reference.ts";
import type { KeyHandle } from "../../core/crypto/providers/key-provider.ts";
import { nameKey, newVersionId } from "../../core/domain/objects/ids.ts";
import { serializeKeyProperties, type KeyProperties } from "../../core/domain/objects/key-properties.ts";
import { newAttributes } from "../../core/domain/objects/lifecycle.ts";
import type { AttributesPatch, Tags } from "../../core/domain/objects/attributes.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { insertNewVersion } from "./object-lifecycle.ts";
import { valueAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, EventOutbox } from "./vault-context.ts";
import { openValue, sealValue } from "./sealed-values.ts";

const KIND = "key";
const decoder = new TextDecoder();

/**
 * A key version's material — private JWK, or for HSM keys the reference to the token object — is sealed
 * like a secret value: under the vault data key, AAD naming the version.
 */
export async function sealKeyMaterial(ctx: VaultScope & Sealing, name: string, version: string, material: StoredKeyMaterial): Promise<Uint8Array> {
  return sealValue(ctx, valueAad(ctx.config, KIND, nameKey(name), version), utf8(JSON.stringify(material)));
}

export async function openKeyMaterial(ctx: VaultScope & Sealing, v: StoredVersion): Promise<StoredKeyMaterial> {
  const plain = await openValue(ctx, valueAad(ctx.config, KIND, nameKey(v.name), v.version), v.sealedValue);
  return JSON.parse(decoder.decode(plain)) as StoredKeyMaterial;
}

/** Private material of a software key version; certificates' keys are software keys. */
export async function openPrivateJwk(ctx: VaultScope & Sealing, v: StoredVersion): Promise<PrivateJwk> {
  const material = await openKeyMaterial(ctx, v);
  if (isHsmReference(material)) throw new Error("an HSM key version has no private material in the vault");
  return material;
}

/** The handle a provider works with: software material opened on first use, or the HSM reference. */
export function keyHandleFor(ctx: VaultScope & Sealing, version: StoredVersion, props: KeyProperties): KeyHandle {
  const id = `${ctx.config.tenantId}/${ctx.config.name.toLowerCase()}/${version.name.toLowerCase()}/${version.version}`;
  if (!AZURE_KEY_TYPES[props.kty].hsm) return { kind: "software", id, material: () => openPrivateJwk(ctx, version) };
  return {
    kind: "hsm",
    id,
    ...(props.publicJwk === undefined ? {} : { publicJwk: props.publicJwk }),
    reference: async () => {
      const material = await openKeyMaterial(ctx, version);
      if (!isHsmReference(material)) throw new Error("an HSM key version holds software material");
      return material;
    },
  };
}

export interface NewKeyVersion {
  readonly name: string;
  readonly material: StoredKeyMaterial;
  readonly props: KeyProperties;
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
}

/** Seals the material (awaited first), then stores the version in one synchronous transaction. */
export async function storeKeyVersion(ctx: VaultScope & ObjectStore & Sealing & Transactions & EventOutbox, input: NewKeyVersion): Promise<StoredVersion> {
  const version = newVersionId();
  const sealedValue = await sealKeyMaterial(ctx, input.name, version, input.material);
  return insertNewVersion(ctx, KIND, input.name, (name, seq) => ({
    name,
    version,
    seq,
    attributes: newAttributes(input.attributes, ctx.clock.now()),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    managed: false,
    sealedValue,
    props: serializeKeyProperties(input.props),
  }));
}

/** A version's public properties, derived from its material: size or curve and the public JWK. */
export function propertiesFor(jwk: PrivateJwk, kty: AzureKeyType, keyOps: readonly KeyOperation[]): KeyProperties {
  const pub = publicJwk(jwk);
  const size =
    jwk.kty === "EC" ? { crv: jwk.crv } : { keySize: (base64UrlToBytes(jwk.kty === "RSA" ? jwk.n : jwk.k)?.length ?? 0) * 8 };
  return { kty, keyOps: [...keyOps], ...size, ...(pub === null ? {} : { publicJwk: pub }), exportable: false };
}
