import type { SecretInput } from "../../durable-objects/rpc.ts";
import { VaultError, badParameter } from "../errors/vault-error.ts";
import { MAX_SECRET_TAG_LENGTH, optionalAttributes, optionalString, optionalTags } from "./assertions.ts";
import type { JsonObject } from "./json-body.ts";

/** Azure: "Secret is beyond the maximum permitted length of 25600 characters." (25 KB, about-secrets.md). */
export const MAX_SECRET_VALUE_LENGTH = 25_600;
/** contentType is a hint of at most 255 characters. */
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
  if (value.length > MAX_SECRET_VALUE_LENGTH) {
    throw new VaultError(
      "BadParameter",
      `Secret is beyond the maximum permitted length of ${MAX_SECRET_VALUE_LENGTH} characters.`,
      "SecretTooLarge",
    );
  }
  return { value, ...secretMetadata(body) };
}

/** SecretUpdateParameters: contentType, attributes, tags; the value is immutable. */
export function updateSecretInput(body: JsonObject): SecretInput {
  return secretMetadata(body);
}

/** SecretRestoreParameters: the opaque backup blob. */
export function restoreInput(body: JsonObject): string {
  const value = body.value;
  if (typeof value !== "string" || value === "") throw badParameter("The parameter 'value' (backup blob) is required.");
  return value;
}
