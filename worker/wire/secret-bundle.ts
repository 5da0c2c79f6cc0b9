import type { DeletedSecretView, SecretView } from "../../core/contract/secrets.ts";
import { attributesBody } from "./attributes-body.ts";
import { defines } from "./api-version.ts";

function common(v: SecretView) {
  return {
    ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
    attributes: attributesBody(v.attributes),
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    ...(v.managed ? { managed: true } : {}),
  };
}

/**
 * SecretBundle (secrets.json): id = {vault}/secrets/{name}/{version}; value only where returned; `previousVersion`
 * for clients of a version that defines it (worker/wire/api-version.ts ADDED_MEMBERS).
 */
export function secretBundle(base: string, v: SecretView, apiVersion: string) {
  return {
    ...(v.value === undefined ? {} : { value: v.value }),
    id: `${base}/secrets/${v.name}/${v.version}`,
    // A certificate's secret names the certificate's key (SecretBundle.kid, "if this is a secret backing a KV certificate").
    ...(v.managed ? { kid: `${base}/keys/${v.name}/${v.version}` } : {}),
    ...common(v),
    ...(v.previousVersion !== undefined && defines(apiVersion, "SecretBundle.previousVersion") ? { previousVersion: v.previousVersion } : {}),
  };
}

/** SecretItem: the list shape, id without version and no value. */
export function secretItem(base: string, v: SecretView) {
  return { id: `${base}/secrets/${v.name}`, ...common(v) };
}

/** SecretItem for versions lists: id with version. */
export function secretVersionItem(base: string, v: SecretView) {
  return { id: `${base}/secrets/${v.name}/${v.version}`, ...common(v) };
}

function deletedFields(base: string, v: DeletedSecretView) {
  return { recoveryId: `${base}/deletedsecrets/${v.name}`, deletedDate: v.deletedDate, scheduledPurgeDate: v.scheduledPurgeDate };
}

export function deletedSecretBundle(base: string, v: DeletedSecretView, apiVersion: string) {
  return { ...deletedFields(base, v), ...secretBundle(base, v, apiVersion) };
}

export function deletedSecretItem(base: string, v: DeletedSecretView) {
  return { ...deletedFields(base, v), ...secretItem(base, v) };
}
