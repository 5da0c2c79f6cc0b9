/**
 * One descriptor per vault operation (docs/architecture.md): the data action the caller's role must grant, the
 * operation name its audit record carries, and what it is charged by the throttle. A route declares its operation by
 * kind (worker/middleware/operation.ts), which names the request's audit record; the vault object checks the caller's
 * roles against `requiredAction(op)` and charges the throttle from here. Adding an operation is one entry in this
 * table, and a kind missing from it, or not in the RPC contract, does not compile.
 *
 * Actions are Azure's data actions (permissions/security#microsoftkeyvault); audit names are Azure's AuditEvent
 * operation names (key-vault/general/logging.md); buckets and weights follow "Azure Key Vault service limits"
 * (core/domain/throttle/throttle-limits.ts).
 */
import type { AzureKeyType } from "../crypto/keys/key-types.ts";
import type { ManagedHsmDataAction } from "../domain/rbac/managed-hsm-roles.ts";
import type { ThrottleBucket } from "../domain/throttle/throttle-limits.ts";
import type { OpKind, OpOf, VaultOp } from "./vault.ts";

type Collection = "secrets" | "keys" | "keyrotationpolicies" | "certificates" | "certificatecas" | "certificatecontacts" | "auditevents";

/** The data actions vault operations need: every one names a collection of the vault, or is random bytes. */
export type VaultDataAction = `Microsoft.KeyVault/vaults/${Collection}/${string}` | "Microsoft.KeyVault/vaults/rng/action";

/**
 * What one request costs in its bucket. Azure weights key transactions by the type and size of the key
 * (an RSA-4096 HSM GET costs 16 units, an RSA-2048 GET 1), and an HSM key CREATE twice a software one:
 * - `unit`: one unit, whatever the request;
 * - `requestedKeyType`: a key CREATE of the type the request names (`kty`);
 * - `storedKeyType`: a key CREATE of the type of the latest key stored under the request's name (a rotation);
 * - `storedKey`: a key transaction on the stored version the request addresses (the latest if it names none);
 * - `importedKey`: a key transaction on the key the request carries, by its JWK type and modulus size;
 * - `byokTarget`: a key transaction on the HSM key a BYOK import creates, by its target type.
 */
export type ThrottleWeight = "unit" | "requestedKeyType" | "storedKeyType" | "storedKey" | "importedKey" | "byokTarget";

/** The buckets each weight may be charged to: only key transactions are weighted by key. */
interface WeightBuckets extends Record<ThrottleWeight, ThrottleBucket> {
  unit: "secretCreate" | "secrets" | "keys";
  requestedKeyType: "keyCreate";
  storedKeyType: "keyCreate";
  storedKey: "keys";
  importedKey: "keys";
  byokTarget: "keys";
}

export type ThrottleRule<W extends ThrottleWeight = ThrottleWeight> = {
  [V in W]: { readonly bucket: WeightBuckets[V]; readonly weight: V };
}[W];

/**
 * The weights an operation can be charged by: a weight reads fields of the op (durable-objects/operations/
 * throttle-charge.ts), so an op without them cannot be given it. `storedKey*` look up a key by name.
 */
type WeightFor<K extends OpKind, O = OpOf<K>> =
  | "unit"
  | (O extends { readonly kty: AzureKeyType } ? "requestedKeyType" : never)
  | (K extends `key.${string}` ? (O extends { readonly name: string } ? "storedKey" | "storedKeyType" : never) : never)
  | (O extends { readonly jwk: { readonly kty: string; readonly n?: string }; readonly hsm: boolean } ? "importedKey" : never)
  | (O extends { readonly target: { readonly kty: AzureKeyType } } ? "byokTarget" : never);

export interface OperationDescriptor<W extends ThrottleWeight = ThrottleWeight> {
  /**
   * The data action a role assignment of the caller must grant: a vault's (`Microsoft.KeyVault/vaults/…`), or for
   * operations only a managed HSM has, the HSM's (`Microsoft.KeyVault/managedHsm/…`). A managed HSM checks the
   * operations it shares with vaults by its own actions (managed-hsm-authorization.ts).
   */
  readonly action: VaultDataAction | ManagedHsmDataAction;
  /** The operation name of the request's audit record ("SecretGet", "KeySign", …). */
  readonly auditName: string;
  readonly throttle: ThrottleRule<W>;
}

type Descriptors = { readonly [K in OpKind]: OperationDescriptor<WeightFor<K>> };

// "Secrets CREATE" has its own bucket; every other secret or vault transaction (certificates, issuers, contacts and
// the audit log included) shares one.
const SECRET_CREATE = { bucket: "secretCreate", weight: "unit" } as const;
const VAULT = { bucket: "secrets", weight: "unit" } as const;
/** Key transactions that address no single key (lists, restore, random bytes) cost one unit. */
const KEYS = { bucket: "keys", weight: "unit" } as const;
const STORED_KEY = { bucket: "keys", weight: "storedKey" } as const;
const KEY_CREATE = { bucket: "keyCreate", weight: "requestedKeyType" } as const;

/**
 * Contacts have one action, `certificatecontacts/write` ("Manage Certificate Contact"), which Azure also demands to
 * *read* them (its ForbiddenByRbac for GetCertificateContacts names it: Azure/azure-powershell#27911), as the
 * access-policy model demands `managecontacts` for all three. Issuers are `certificatecas/read|write|delete`.
 */
const CONTACTS = "Microsoft.KeyVault/vaults/certificatecontacts/write";
/**
 * The audit log API is ours (Azure ships these records to Azure Monitor), and so are its action and names. Key Vault
 * Auditor and Administrator grant the action, and Key Vault Reader through its `vaults/{any}/read`.
 */
const AUDIT_READ = "Microsoft.KeyVault/vaults/auditevents/read";

/** A managed HSM's own administration (rbac.json, settings.json): HSM-wide, one unit of its key transactions. */
const HSM = (action: ManagedHsmDataAction, auditName: string) => ({ action, auditName, throttle: KEYS }) as const;
const MHSM = "Microsoft.KeyVault/managedHsm";

export const OPERATIONS = {
  "secret.set": { action: "Microsoft.KeyVault/vaults/secrets/setSecret/action", auditName: "SecretSet", throttle: SECRET_CREATE },
  "secret.get": { action: "Microsoft.KeyVault/vaults/secrets/getSecret/action", auditName: "SecretGet", throttle: VAULT },
  "secret.update": { action: "Microsoft.KeyVault/vaults/secrets/update/action", auditName: "SecretUpdate", throttle: VAULT },
  "secret.delete": { action: "Microsoft.KeyVault/vaults/secrets/delete", auditName: "SecretDelete", throttle: VAULT },
  "secret.list": { action: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", auditName: "SecretList", throttle: VAULT },
  "secret.listVersions": { action: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", auditName: "SecretListVersions", throttle: VAULT },
  "secret.backup": { action: "Microsoft.KeyVault/vaults/secrets/backup/action", auditName: "SecretBackup", throttle: VAULT },
  "secret.restore": { action: "Microsoft.KeyVault/vaults/secrets/restore/action", auditName: "SecretRestore", throttle: VAULT },
  // Azure has no separate data action for reading deleted secrets: it is readMetadata, as for live ones.
  "secret.listDeleted": { action: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", auditName: "SecretListDeleted", throttle: VAULT },
  "secret.getDeleted": { action: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", auditName: "SecretGetDeleted", throttle: VAULT },
  "secret.recover": { action: "Microsoft.KeyVault/vaults/secrets/recover/action", auditName: "SecretRecover", throttle: VAULT },
  "secret.purge": { action: "Microsoft.KeyVault/vaults/secrets/purge/action", auditName: "SecretPurge", throttle: VAULT },

  // CreateKey is two calls, the preflight before the Worker generates material and the create itself, one request.
  "key.createPreflight": { action: "Microsoft.KeyVault/vaults/keys/create/action", auditName: "KeyCreate", throttle: KEY_CREATE },
  "key.create": { action: "Microsoft.KeyVault/vaults/keys/create/action", auditName: "KeyCreate", throttle: KEY_CREATE },
  // ImportKey: a JWK, or a BYOK transfer blob (Azure's "Bring your own key specification"), under one action and name.
  "key.import": { action: "Microsoft.KeyVault/vaults/keys/import/action", auditName: "KeyImport", throttle: { bucket: "keys", weight: "importedKey" } },
  "key.importByok": { action: "Microsoft.KeyVault/vaults/keys/import/action", auditName: "KeyImport", throttle: { bucket: "keys", weight: "byokTarget" } },
  "key.get": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyGet", throttle: STORED_KEY },
  "key.update": { action: "Microsoft.KeyVault/vaults/keys/update/action", auditName: "KeyUpdate", throttle: STORED_KEY },
  "key.delete": { action: "Microsoft.KeyVault/vaults/keys/delete", auditName: "KeyDelete", throttle: STORED_KEY },
  "key.list": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyList", throttle: KEYS },
  "key.listVersions": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyListVersions", throttle: STORED_KEY },
  "key.backup": { action: "Microsoft.KeyVault/vaults/keys/backup/action", auditName: "KeyBackup", throttle: STORED_KEY },
  "key.restore": { action: "Microsoft.KeyVault/vaults/keys/restore/action", auditName: "KeyRestore", throttle: KEYS },
  // Reading deleted keys needs keys/read, as for live keys.
  "key.listDeleted": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyListDeleted", throttle: KEYS },
  "key.getDeleted": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyGetDeleted", throttle: STORED_KEY },
  "key.recover": { action: "Microsoft.KeyVault/vaults/keys/recover/action", auditName: "KeyRecover", throttle: STORED_KEY },
  "key.purge": { action: "Microsoft.KeyVault/vaults/keys/purge/action", auditName: "KeyPurge", throttle: STORED_KEY },
  // RotateKey is two calls like CreateKey; the new version is a key CREATE of the latest version's type.
  "key.rotationSpec": { action: "Microsoft.KeyVault/vaults/keys/rotate/action", auditName: "KeyRotate", throttle: { bucket: "keyCreate", weight: "storedKeyType" } },
  "key.rotate": { action: "Microsoft.KeyVault/vaults/keys/rotate/action", auditName: "KeyRotate", throttle: { bucket: "keyCreate", weight: "storedKeyType" } },
  "key.getRotationPolicy": { action: "Microsoft.KeyVault/vaults/keyrotationpolicies/read", auditName: "KeyRotationPolicyGet", throttle: STORED_KEY },
  "key.setRotationPolicy": { action: "Microsoft.KeyVault/vaults/keyrotationpolicies/write", auditName: "KeyRotationPolicySet", throttle: STORED_KEY },
  "key.sign": { action: "Microsoft.KeyVault/vaults/keys/sign/action", auditName: "KeySign", throttle: STORED_KEY },
  "key.verify": { action: "Microsoft.KeyVault/vaults/keys/verify/action", auditName: "KeyVerify", throttle: STORED_KEY },
  "key.encrypt": { action: "Microsoft.KeyVault/vaults/keys/encrypt/action", auditName: "KeyEncrypt", throttle: STORED_KEY },
  "key.decrypt": { action: "Microsoft.KeyVault/vaults/keys/decrypt/action", auditName: "KeyDecrypt", throttle: STORED_KEY },
  "key.wrap": { action: "Microsoft.KeyVault/vaults/keys/wrap/action", auditName: "KeyWrap", throttle: STORED_KEY },
  "key.unwrap": { action: "Microsoft.KeyVault/vaults/keys/unwrap/action", auditName: "KeyUnwrap", throttle: STORED_KEY },
  // Secure key release: its own data action ("Key Vault Crypto Service Release User" grants only it); a key transaction.
  "key.release": { action: "Microsoft.KeyVault/vaults/keys/release/action", auditName: "KeyRelease", throttle: STORED_KEY },
  // GetKeyAttestation "requires the keys/get permission" (Keys/routes.tsp): keys/read. The audit name is ours.
  "key.getAttestation": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyGetAttestation", throttle: STORED_KEY },
  rng: { action: "Microsoft.KeyVault/vaults/rng/action", auditName: "GetRandomBytes", throttle: KEYS },

  "audit.query": { action: AUDIT_READ, auditName: "AuditLogQuery", throttle: VAULT },
  "audit.export": { action: AUDIT_READ, auditName: "AuditLogExport", throttle: VAULT },

  // CreateCertificate is two calls like CreateKey; it makes a key, so the preflight is charged as a key CREATE.
  "certificate.createPreflight": { action: "Microsoft.KeyVault/vaults/certificates/create/action", auditName: "CertificateCreate", throttle: KEY_CREATE },
  "certificate.create": { action: "Microsoft.KeyVault/vaults/certificates/create/action", auditName: "CertificateCreate", throttle: VAULT },
  "certificate.import": { action: "Microsoft.KeyVault/vaults/certificates/import/action", auditName: "CertificateImport", throttle: VAULT },
  "certificate.get": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificateGet", throttle: VAULT },
  "certificate.update": { action: "Microsoft.KeyVault/vaults/certificates/update/action", auditName: "CertificateUpdate", throttle: VAULT },
  "certificate.list": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificateList", throttle: VAULT },
  "certificate.listVersions": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificateListVersions", throttle: VAULT },
  "certificate.delete": { action: "Microsoft.KeyVault/vaults/certificates/delete", auditName: "CertificateDelete", throttle: VAULT },
  "certificate.listDeleted": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificateListDeleted", throttle: VAULT },
  "certificate.getDeleted": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificateGetDeleted", throttle: VAULT },
  "certificate.recover": { action: "Microsoft.KeyVault/vaults/certificates/recover/action", auditName: "CertificateRecover", throttle: VAULT },
  "certificate.purge": { action: "Microsoft.KeyVault/vaults/certificates/purge/action", auditName: "CertificatePurge", throttle: VAULT },
  "certificate.getPolicy": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificatePolicyGet", throttle: VAULT },
  "certificate.updatePolicy": { action: "Microsoft.KeyVault/vaults/certificates/update/action", auditName: "CertificatePolicyUpdate", throttle: VAULT },
  "certificate.getOperation": { action: "Microsoft.KeyVault/vaults/certificates/read", auditName: "CertificatePendingGet", throttle: VAULT },
  "certificate.updateOperation": { action: "Microsoft.KeyVault/vaults/certificates/update/action", auditName: "CertificatePendingUpdate", throttle: VAULT },
  "certificate.deleteOperation": { action: "Microsoft.KeyVault/vaults/certificates/delete", auditName: "CertificatePendingDelete", throttle: VAULT },
  "certificate.merge": { action: "Microsoft.KeyVault/vaults/certificates/create/action", auditName: "CertificatePendingMerge", throttle: VAULT },
  "certificate.backup": { action: "Microsoft.KeyVault/vaults/certificates/backup/action", auditName: "CertificateBackup", throttle: VAULT },
  "certificate.restore": { action: "Microsoft.KeyVault/vaults/certificates/restore/action", auditName: "CertificateRestore", throttle: VAULT },

  "certificate.getContacts": { action: CONTACTS, auditName: "CertificateContactsGet", throttle: VAULT },
  "certificate.setContacts": { action: CONTACTS, auditName: "CertificateContactsSet", throttle: VAULT },
  "certificate.deleteContacts": { action: CONTACTS, auditName: "CertificateContactsDelete", throttle: VAULT },
  "certificate.listIssuers": { action: "Microsoft.KeyVault/vaults/certificatecas/read", auditName: "CertificateIssuersList", throttle: VAULT },
  "certificate.getIssuer": { action: "Microsoft.KeyVault/vaults/certificatecas/read", auditName: "CertificateIssuerGet", throttle: VAULT },
  "certificate.setIssuer": { action: "Microsoft.KeyVault/vaults/certificatecas/write", auditName: "CertificateIssuerSet", throttle: VAULT },
  "certificate.updateIssuer": { action: "Microsoft.KeyVault/vaults/certificatecas/write", auditName: "CertificateIssuerUpdate", throttle: VAULT },
  "certificate.deleteIssuer": { action: "Microsoft.KeyVault/vaults/certificatecas/delete", auditName: "CertificateIssuerDelete", throttle: VAULT },

  // Published key sets (core/contract/key-sets.ts) are read without a token: the vault's publicJwks setting grants
  // them to everyone (durable-objects/vault/anonymous-requests.ts), so `action` is what a caller *with* a token would
  // need, as for reading the keys themselves. One unit each, whatever the number of keys, and names of ours.
  "keySet.key": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "KeyJwksGet", throttle: KEYS },
  "keySet.vault": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "VaultKeySetGet", throttle: KEYS },
  "keySet.discovery": { action: "Microsoft.KeyVault/vaults/keys/read", auditName: "VaultDiscoveryGet", throttle: KEYS },

  // Managed HSM local RBAC and settings (docs/managed-hsm.md); audit names after Azure's Managed HSM logging.
  "hsm.listRoleDefinitions": HSM(`${MHSM}/roleDefinitions/read/action`, "RoleDefinitionList"),
  "hsm.getRoleDefinition": HSM(`${MHSM}/roleDefinitions/read/action`, "RoleDefinitionGet"),
  "hsm.setRoleDefinition": HSM(`${MHSM}/roleDefinitions/write/action`, "RoleDefinitionCreate"),
  "hsm.deleteRoleDefinition": HSM(`${MHSM}/roleDefinitions/delete/action`, "RoleDefinitionDelete"),
  "hsm.listRoleAssignments": HSM(`${MHSM}/roleAssignments/read/action`, "RoleAssignmentList"),
  "hsm.getRoleAssignment": HSM(`${MHSM}/roleAssignments/read/action`, "RoleAssignmentGet"),
  "hsm.createRoleAssignment": HSM(`${MHSM}/roleAssignments/write/action`, "RoleAssignmentCreate"),
  "hsm.deleteRoleAssignment": HSM(`${MHSM}/roleAssignments/delete/action`, "RoleAssignmentDelete"),
  "hsm.listSettings": HSM(`${MHSM}/settings/read/action`, "SettingsList"),
  "hsm.getSetting": HSM(`${MHSM}/settings/read/action`, "SettingGet"),
  "hsm.updateSetting": HSM(`${MHSM}/settings/write/action`, "SettingUpdate"),
  "hsm.downloadSecurityDomain": HSM(`${MHSM}/securitydomain/download/action`, "SecurityDomainDownload"),
  "hsm.securityDomainDownloadStatus": HSM(`${MHSM}/securitydomain/download/read`, "SecurityDomainDownloadStatus"),
  "hsm.transferKey": HSM(`${MHSM}/securitydomain/transferkey/read`, "SecurityDomainTransferKeyGet"),
  "hsm.uploadSecurityDomain": HSM(`${MHSM}/securitydomain/upload/action`, "SecurityDomainUpload"),
  "hsm.securityDomainUploadStatus": HSM(`${MHSM}/securitydomain/upload/read`, "SecurityDomainUploadStatus"),
  // Full backup and restore (backuprestore.json); a selective key restore is a restore of the HSM's.
  "hsm.startBackup": HSM(`${MHSM}/backup/start/action`, "BackupCreate"),
  "hsm.preBackup": HSM(`${MHSM}/backup/start/action`, "BackupCheck"),
  "hsm.backupStatus": HSM(`${MHSM}/backup/status/action`, "BackupStatus"),
  "hsm.startRestore": HSM(`${MHSM}/restore/start/action`, "RestoreCreate"),
  "hsm.preRestore": HSM(`${MHSM}/restore/start/action`, "RestoreCheck"),
  "hsm.startKeyRestore": HSM(`${MHSM}/restore/start/action`, "SelectiveKeyRestore"),
  "hsm.restoreStatus": HSM(`${MHSM}/restore/status/action`, "RestoreStatus"),
} as const satisfies Descriptors;

/** The descriptor of one operation kind. */
export function operationOf(kind: OpKind): OperationDescriptor {
  return OPERATIONS[kind];
}

/** The data action an operation needs in a vault: what the caller's role assignments must grant for it to run. */
export function requiredAction(op: VaultOp): VaultDataAction | ManagedHsmDataAction {
  return OPERATIONS[op.kind].action;
}
