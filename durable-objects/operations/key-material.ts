import type { AzureKeyType, KeyOperation, PrivateJwk } from "../crypto/keys/key-types.ts";
import { publicJwk } from "../crypto/keys/validate-jwk.ts";
import { base64UrlToBytes, utf8 } from "../crypto/bytes.ts";
import { nameKey, newVersionId } from "../domain/ids.ts";
import { serializeKeyProperties, type KeyProperties } from "../domain/key-properties.ts";
import { newAttributes } from "../domain/lifecycle.ts";
import type { AttributesPatch, Tags } from "../domain/attributes.ts";
import type { StoredVersion } from "../domain/versioned-object.ts";
import { insertNewVersion } from "./object-lifecycle.ts";
import { valueAad, type VaultContext } from "./vault-context.ts";

const KIND = "key";
const decoder = new TextDecoder();

/** Private key material is sealed like a secret value: under the vault data key, AAD naming the version. */
export async function sealPrivateJwk(ctx: VaultContext, name: string, version: string, jwk: PrivateJwk): Promise<Uint8Array> {
  return (await ctx.dataKey()).seal(utf8(JSON.stringify(jwk)), valueAad(ctx.config, KIND, nameKey(name), version));
}

export async function openPrivateJwk(ctx: VaultContext, v: StoredVersion): Promise<PrivateJwk> {
  const plain = await (await ctx.dataKey()).open(v.sealedValue, valueAad(ctx.config, KIND, nameKey(v.name), v.version));
  return JSON.parse(decoder.decode(plain)) as PrivateJwk;
}

export interface NewKeyVersion {
  readonly name: string;
  readonly jwk: PrivateJwk;
  readonly props: KeyProperties;
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
}

/** Seals the material (awaited first), then stores the version in one synchronous transaction. */
export async function storeKeyVersion(ctx: VaultContext, input: NewKeyVersion): Promise<StoredVersion> {
  const version = newVersionId();
  const sealedValue = await sealPrivateJwk(ctx, input.name, version, input.jwk);
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
