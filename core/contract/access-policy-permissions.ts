/**
 * What each vault operation needs under the access-policy model (issue 17; Azure's `accessPolicies[].permissions`,
 * learn.microsoft.com/azure/key-vault/general/assign-access-policy and the ARM `Permissions` enums): the collection and
 * the permission name. One entry per operation kind, so an operation added without its permission does not compile.
 * The audit log is this product's (Azure sends vault logs to Azure Monitor): reading it needs `getauditlog`, a secrets
 * permission of ours. Random bytes need a key permission, `get`, as on Azure's Managed HSM there is none of its own.
 */
import type { OpKind } from "./vault.ts";

export type PolicyCollection = "keys" | "secrets" | "certificates";

export interface PolicyPermission {
  readonly collection: PolicyCollection;
  readonly permission: string;
}

type VaultKind = Exclude<OpKind, `hsm.${string}`>;

const key = (permission: string): PolicyPermission => ({ collection: "keys", permission });
const secret = (permission: string): PolicyPermission => ({ collection: "secrets", permission });
const certificate = (permission: string): PolicyPermission => ({ collection: "certificates", permission });

export const ACCESS_POLICY_PERMISSIONS: { readonly [K in VaultKind]: PolicyPermission } = {
  "secret.set": secret("set"),
  "secret.get": secret("get"),
  "secret.update": secret("set"),
  "secret.delete": secret("delete"),
  "secret.list": secret("list"),
  "secret.listVersions": secret("list"),
  "secret.backup": secret("backup"),
  "secret.restore": secret("restore"),
  "secret.listDeleted": secret("list"),
  "secret.getDeleted": secret("get"),
  "secret.recover": secret("recover"),
  "secret.purge": secret("purge"),
  "key.createPreflight": key("create"),
  "key.create": key("create"),
  "key.import": key("import"),
  "key.importByok": key("import"),
  "key.get": key("get"),
  "key.update": key("update"),
  "key.delete": key("delete"),
  "key.list": key("list"),
  "key.listVersions": key("list"),
  "key.backup": key("backup"),
  "key.restore": key("restore"),
  "key.listDeleted": key("list"),
  "key.getDeleted": key("get"),
  "key.recover": key("recover"),
  "key.purge": key("purge"),
  "key.rotationSpec": key("rotate"),
  "key.rotate": key("rotate"),
  "key.getRotationPolicy": key("getrotationpolicy"),
  "key.setRotationPolicy": key("setrotationpolicy"),
  "key.sign": key("sign"),
  "key.verify": key("verify"),
  "key.encrypt": key("encrypt"),
  "key.decrypt": key("decrypt"),
  "key.wrap": key("wrapKey"),
  "key.unwrap": key("unwrapKey"),
  "key.release": key("release"),
  "key.getAttestation": key("get"),
  rng: key("get"),
  "audit.query": secret("getauditlog"),
  "audit.export": secret("getauditlog"),
  "certificate.createPreflight": certificate("create"),
  "certificate.create": certificate("create"),
  "certificate.import": certificate("import"),
  "certificate.get": certificate("get"),
  "certificate.update": certificate("update"),
  "certificate.list": certificate("list"),
  "certificate.listVersions": certificate("list"),
  "certificate.delete": certificate("delete"),
  "certificate.listDeleted": certificate("list"),
  "certificate.getDeleted": certificate("get"),
  "certificate.recover": certificate("recover"),
  "certificate.purge": certificate("purge"),
  "certificate.getPolicy": certificate("get"),
  "certificate.updatePolicy": certificate("update"),
  "certificate.getOperation": certificate("get"),
  "certificate.updateOperation": certificate("update"),
  "certificate.deleteOperation": certificate("delete"),
  "certificate.merge": certificate("create"),
  "certificate.backup": certificate("backup"),
  "certificate.restore": certificate("restore"),
  "certificate.getContacts": certificate("managecontacts"),
  "certificate.setContacts": certificate("managecontacts"),
  "certificate.deleteContacts": certificate("managecontacts"),
  "certificate.listIssuers": certificate("listissuers"),
  "certificate.getIssuer": certificate("getissuers"),
  "certificate.setIssuer": certificate("setissuers"),
  "certificate.updateIssuer": certificate("setissuers"),
  "certificate.deleteIssuer": certificate("deleteissuers"),
  "keySet.key": key("get"),
  "keySet.vault": key("get"),
  "keySet.discovery": key("get"),
};

/** Azure's permission names per collection (ARM KeyPermissions, SecretPermissions, CertificatePermissions; `all`). */
export const POLICY_PERMISSION_NAMES: { readonly [C in PolicyCollection]: readonly string[] } = {
  keys: ["all", "get", "list", "update", "create", "import", "delete", "recover", "backup", "restore", "decrypt", "encrypt", "unwrapKey", "wrapKey", "verify", "sign", "purge", "release", "rotate", "getrotationpolicy", "setrotationpolicy"],
  secrets: ["all", "get", "list", "set", "delete", "backup", "restore", "recover", "purge", "getauditlog"],
  certificates: ["all", "get", "list", "delete", "create", "import", "update", "managecontacts", "getissuers", "listissuers", "setissuers", "deleteissuers", "manageissuers", "recover", "purge", "backup", "restore"],
};
