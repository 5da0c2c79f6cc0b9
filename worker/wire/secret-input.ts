import type { SecretInput } from "../../core/contract/secrets.ts";
import { decodeBase64, utf8ByteLength } from "../../core/crypto/bytes.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { MAX_SECRET_TAG_LENGTH, optionalAttributes, optionalString, optionalTags } from "./assertions.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * 25 KB of the value's UTF-8 octets: Key Vault "stores and manages secrets as sequences of octets (8-bit
 * bytes), with a maximum size of 25 KB each" (about-secrets.md), i.e. 25,600 bytes; 25,600 "€" are
 * 76,800 of them. Azure's refusal still says "characters" ("Secret is beyond the maximum permitted
 * length of 25600 characters.", innererror SecretTooLarge, as reported against the service), so the
 * message keeps Azure's words for clients that match on them.
 */
export const MAX_SECRET_VALUE_BYTES = 25_600;
/**
 * contentType: "The maximum length of this field is 255 characters" (about-secrets.md). Azure's
 * character limits are .NET string lengths, UTF-16 code units, which is what `string.length` counts.
 */
export const MAX_CONTENT_TYPE_LENGTH = 255;

function secretMetadata(body: JsonObject): SecretInput {
  const contentType = optionalString(body, "contentType", MAX_CONTENT_TYPE_LENGTH);
  const attributes = optionalAttributes(body);
  const tags = optionalTags(body, MAX_SECRET_TAG_LENGTH);
  return {
    ...(contentType === undefined ? {} : { contentType }),
    ...(attributes === undefined ? {} : { attributes }),
    ...(tags === undefined ? {} : { tags }),
  };
}

/** SecretSetParameters: `value` required. */
export function setSecretInput(body: JsonObject): SecretInput & { value: string } {
  const value = body.value;
  if (typeof value !== "string") throw badParameter("The parameter 'value' is required and must be a string.");
  if (utf8ByteLength(value) > MAX_SECRET_VALUE_BYTES) {
    throw new VaultError(
      "BadParameter",
      `Secret is beyond the maximum permitted length of ${MAX_SECRET_VALUE_BYTES} characters.`,
      "SecretTooLarge",
    );
  }
  return { value, ...secretMetadata(body) };
}

/** SecretUpdateParameters: contentType, attributes, tags; the value is immutable. */
export function updateSecretInput(body: JsonObject): SecretInput {
  return secretMetadata(body);
}

/**
 * Secret/Key/CertificateRestoreParameters: the opaque backup blob (`format: base64url`). Its form is
 * checked here, before the vault is asked, so a blob that is not base64url is the same 400 as a corrupt
 * one whatever state the vault is in.
 */
export function restoreInput(body: JsonObject): string {
  const value = body.value;
  if (typeof value !== "string" || value === "") throw badParameter("The parameter 'value' (backup blob) is required.");
  if (decodeBase64(value, { url: true }) === null) throw badParameter("Backup blob is corrupt.");
  return value;
}
