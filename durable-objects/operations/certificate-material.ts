import { VaultError } from "../../core/errors/vault-error.ts";
import { bytesToBase64, utf8 } from "../../core/crypto/bytes.ts";
import type { AzureKeyType, PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { AZURE_KEY_TYPES, defaultKeyOps } from "../../core/crypto/keys/key-types.ts";
import { parseCertificate, pkcs8FromPrivateJwk, writePem, writePfx } from "../../core/crypto/x509/index.ts";
import type { AttributesPatch, Tags } from "../../core/domain/objects/attributes.ts";
import { PKCS12, type CertificatePolicy, type SecretContentType } from "../../core/domain/certificates/certificate-policy.ts";
import { serializeKeyProperties } from "../../core/domain/objects/key-properties.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { propertiesFor, sealKeyMaterial } from "./key-material.ts";
import { insertNewVersion } from "./object-lifecycle.ts";
import { valueAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, EventOutbox } from "./vault-context.ts";
import { sealValue } from "./sealed-values.ts";
import { assertFreeForCertificate } from "./managed-objects.ts";

/** The public facts a certificate version keeps in `props` (no secret: the certificate is public). */
export interface StoredCertificate {
  /** base64 DER. */
  readonly cer: string;
  readonly x5t: string;
}

export interface NewCertificateVersion {
  readonly name: string;
  readonly version: string;
  readonly jwk: PrivateJwk;
  /** Leaf first, DER. */
  readonly chain: readonly Uint8Array[];
  readonly policy: CertificatePolicy;
  readonly attributes?: AttributesPatch;
  readonly tags?: Tags;
  /** Further writes that must commit with the version (policy, operation state). */
  readonly alsoInTransaction?: () => void;
}

/**
 * Stores one certificate version as Azure keeps it: the certificate, a managed key and a managed secret
 * (the key and chain in the policy's content type), all three under the same name and version, in one
 * transaction. Sealing and encoding are awaited first; nothing is written if any of it fails.
 */
export async function storeCertificateVersion(ctx: VaultScope & ObjectStore & Sealing & Transactions & EventOutbox, input: NewCertificateVersion): Promise<StoredVersion> {
  const leaf = input.chain[0];
  if (leaf === undefined) throw new VaultError("BadParameter", "The certificate chain is empty.");
  const parsed = await parseCertificate(leaf);
  const secretValue = await secretValueFor(input.policy.secretContentType, input.jwk, input.chain);
  const key = nameKey(input.name);
  const sealedKey = await sealKeyMaterial(ctx, input.name, input.version, input.jwk);
  const sealedSecret = await sealValue(ctx, valueAad(ctx.config, "secret", key, input.version), utf8(secretValue));
  const now = toUnixSeconds(ctx.clock.now());
  const attributes = {
    enabled: input.attributes?.enabled ?? input.policy.enabled,
    nbf: toUnixSeconds(parsed.notBefore.getTime()),
    exp: toUnixSeconds(parsed.notAfter.getTime()),
    created: now,
    updated: now,
  };
  const common = { version: input.version, attributes, ...(input.tags === undefined ? {} : { tags: input.tags }) };
  const kty: AzureKeyType = input.policy.keyProps.kty;
  const keyProps = { ...propertiesFor(input.jwk, kty, defaultKeyOps(AZURE_KEY_TYPES[kty].family)), exportable: input.policy.keyProps.exportable };
  const certificate: StoredCertificate = { cer: bytesToBase64(leaf), x5t: parsed.x5t };
  return ctx.transaction(() => {
    assertFreeForCertificate(ctx, input.name);
    insertNewVersion(ctx, "key", input.name, (name, seq) => ({ ...common, name, seq, managed: true, sealedValue: sealedKey, props: serializeKeyProperties(keyProps) }));
    insertNewVersion(ctx, "secret", input.name, (name, seq) => ({
      ...common,
      name,
      seq,
      managed: true,
      sealedValue: sealedSecret,
      contentType: input.policy.secretContentType,
    }));
    const stored = insertNewVersion(ctx, "certificate", input.name, (name, seq) => ({
      ...common,
      name,
      seq,
      managed: false,
      sealedValue: new Uint8Array(0),
      props: JSON.stringify(certificate),
    }));
    input.alsoInTransaction?.();
    return stored;
  });
}

/** Azure's secret value: base64 of a PKCS#12 with an empty password, or PEM text (key, then chain). */
export async function secretValueFor(type: SecretContentType, jwk: PrivateJwk, chain: readonly Uint8Array[]): Promise<string> {
  const pkcs8 = await pkcs8FromPrivateJwk(jwk);
  return type === PKCS12 ? bytesToBase64(await writePfx(chain, pkcs8, "")) : writePem(chain, pkcs8);
}

export function storedCertificate(v: StoredVersion): StoredCertificate {
  if (v.props === undefined) throw new Error("certificate version has no properties");
  return JSON.parse(v.props) as StoredCertificate;
}
