import { describe, expect, it } from "vitest";
import type { OpKind, OpOf } from "../../core/contract/vault.ts";
import type { ThrottleCharge } from "../../durable-objects/operations/vault-throttle.ts";
import { throttleCharge } from "../../durable-objects/operations/throttle-charge.ts";
import type { KeyWeightInput } from "../../core/domain/throttle/throttle-limits.ts";

/**
 * Every operation's bucket and weight (Azure Key Vault service limits), pinned as they were before the operation
 * descriptors (core/contract/operations.ts) took them over. The table is typed per kind, so a new operation does not
 * compile until its charge is written down here too.
 */

/** The vault holds one key, "stored": its latest version is RSA-4096 HSM, an older one is RSA-3072. */
const OLDER = "0123456789abcdef0123456789abcdef";
const objects = {
  keyWeight(key: string, version: string | undefined): KeyWeightInput | null {
    if (key !== "stored") return null;
    return version === OLDER ? { kty: "RSA", keySize: 3072 } : { kty: "RSA-HSM", keySize: 4096 };
  },
};

const page = { maxResults: 25 };
const bytes = new Uint8Array(32);
const oct = { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA" } as const;
/** 683 base64url characters: a 4096-bit modulus. */
const rsa4096 = { kty: "RSA", n: "A".repeat(683), e: "AQAB", d: "A", p: "A", q: "A", dp: "A", dq: "A", qi: "A" } as const;

const unit = (bucket: ThrottleCharge["bucket"]): ThrottleCharge => ({ bucket, cost: 1 });
const secrets = unit("secrets");
const keys = (cost: number): ThrottleCharge => ({ bucket: "keys", cost });
const keyCreate = (cost: number): ThrottleCharge => ({ bucket: "keyCreate", cost });

type Case<K extends OpKind> = readonly [OpOf<K>, ThrottleCharge];
type Cases = { readonly [K in OpKind]: readonly [Case<K>, ...Case<K>[]] };

const location = { containerUri: "https://a.blob.example/c1", account: "a", container: "c1" };

const CASES = {
  "secret.set": [[{ kind: "secret.set", name: "s", value: "v" }, unit("secretCreate")]],
  "secret.get": [[{ kind: "secret.get", name: "stored" }, secrets]],
  "secret.update": [[{ kind: "secret.update", name: "s" }, secrets]],
  "secret.delete": [[{ kind: "secret.delete", name: "s" }, secrets]],
  "secret.list": [[{ kind: "secret.list", page }, secrets]],
  "secret.listVersions": [[{ kind: "secret.listVersions", name: "s", page }, secrets]],
  "secret.backup": [[{ kind: "secret.backup", name: "s" }, secrets]],
  "secret.restore": [[{ kind: "secret.restore", blob: "b" }, secrets]],
  "secret.listDeleted": [[{ kind: "secret.listDeleted", page }, secrets]],
  "secret.getDeleted": [[{ kind: "secret.getDeleted", name: "s" }, secrets]],
  "secret.recover": [[{ kind: "secret.recover", name: "s" }, secrets]],
  "secret.purge": [[{ kind: "secret.purge", name: "s" }, secrets]],

  "key.create": [
    [{ kind: "key.create", name: "k", kty: "EC-HSM", hsmSpec: { kty: "EC-HSM", crv: "P-256" } }, keyCreate(2)],
    [{ kind: "key.create", name: "k", kty: "oct", jwk: oct }, keyCreate(1)],
  ],
  // Before the split these were one kind, "authorize", charged as a key CREATE of the requested type.
  "key.createPreflight": [
    [{ kind: "key.createPreflight", name: "k", kty: "RSA-HSM" }, keyCreate(2)],
    [{ kind: "key.createPreflight", name: "k", kty: "EC" }, keyCreate(1)],
  ],
  "key.import": [
    [{ kind: "key.import", name: "k", jwk: rsa4096, hsm: true }, keys(16)],
    [{ kind: "key.import", name: "k", jwk: rsa4096, hsm: false }, keys(8)],
    [{ kind: "key.import", name: "k", jwk: oct, hsm: false }, keys(1)],
  ],
  "key.importByok": [
    [{ kind: "key.importByok", name: "k", target: { kty: "RSA-HSM" }, transfer: { kek: { name: "kek" }, ciphertext: bytes } }, keys(2)],
  ],
  "key.get": [
    [{ kind: "key.get", name: "Stored" }, keys(16)],
    [{ kind: "key.get", name: "stored", version: OLDER }, keys(4)],
    [{ kind: "key.get", name: "missing" }, keys(1)],
  ],
  "key.update": [[{ kind: "key.update", name: "stored", version: OLDER }, keys(4)]],
  "key.delete": [[{ kind: "key.delete", name: "stored" }, keys(16)]],
  "key.list": [[{ kind: "key.list", page }, keys(1)]],
  "key.listVersions": [[{ kind: "key.listVersions", name: "stored", page }, keys(16)]],
  "key.backup": [[{ kind: "key.backup", name: "stored" }, keys(16)]],
  "key.restore": [[{ kind: "key.restore", blob: "b" }, keys(1)]],
  "key.listDeleted": [[{ kind: "key.listDeleted", page }, keys(1)]],
  "key.getDeleted": [[{ kind: "key.getDeleted", name: "stored" }, keys(16)]],
  "key.recover": [[{ kind: "key.recover", name: "stored" }, keys(16)]],
  "key.purge": [[{ kind: "key.purge", name: "missing" }, keys(1)]],
  "key.rotationSpec": [[{ kind: "key.rotationSpec", name: "stored" }, keyCreate(2)]],
  "key.rotate": [
    [{ kind: "key.rotate", name: "stored" }, keyCreate(2)],
    [{ kind: "key.rotate", name: "missing", jwk: oct }, keyCreate(1)],
  ],
  "key.getRotationPolicy": [[{ kind: "key.getRotationPolicy", name: "stored" }, keys(16)]],
  "key.setRotationPolicy": [[{ kind: "key.setRotationPolicy", name: "stored", policy: { lifetimeActions: [] } }, keys(16)]],
  "key.sign": [
    [{ kind: "key.sign", name: "stored", alg: "PS256", digest: bytes }, keys(16)],
    [{ kind: "key.sign", name: "stored", version: OLDER, alg: "PS256", digest: bytes }, keys(4)],
  ],
  "key.verify": [[{ kind: "key.verify", name: "stored", alg: "PS256", digest: bytes, signature: bytes }, keys(16)]],
  "key.encrypt": [[{ kind: "key.encrypt", name: "stored", version: OLDER, alg: "RSA-OAEP", plaintext: bytes }, keys(4)]],
  "key.decrypt": [[{ kind: "key.decrypt", name: "stored", alg: "RSA-OAEP", ciphertext: bytes }, keys(16)]],
  "key.wrap": [[{ kind: "key.wrap", name: "stored", alg: "RSA-OAEP", key: bytes }, keys(16)]],
  "key.unwrap": [[{ kind: "key.unwrap", name: "missing", alg: "RSA-OAEP", wrapped: bytes }, keys(1)]],
  // A release is a key transaction on the version it releases; its attestation token is not a BYOK target.
  "key.release": [
    [{ kind: "key.release", name: "stored", attestation: "t", enc: "CKM_RSA_AES_KEY_WRAP", trust: { authorities: [], localAuthority: null } }, keys(16)],
    [{ kind: "key.release", name: "stored", version: OLDER, attestation: "t", enc: "RSA_AES_KEY_WRAP_256", trust: { authorities: [], localAuthority: null } }, keys(4)],
  ],
  "key.getAttestation": [[{ kind: "key.getAttestation", name: "stored", vaultUrl: "https://v.vault.localhost" }, keys(16)]],
  rng: [[{ kind: "rng", count: 32 }, keys(1)]],

  "audit.query": [[{ kind: "audit.query", filter: {}, page }, secrets]],
  "audit.export": [[{ kind: "audit.export", filter: {}, page }, secrets]],

  "certificate.createPreflight": [
    [{ kind: "certificate.createPreflight", name: "c", kty: "RSA" }, keyCreate(1)],
    [{ kind: "certificate.createPreflight", name: "c", kty: "EC-HSM" }, keyCreate(2)],
  ],
  "certificate.create": [[{ kind: "certificate.create", name: "stored", policy: {}, jwk: rsa4096 }, secrets]],
  "certificate.import": [[{ kind: "certificate.import", name: "stored", chain: [bytes], jwk: rsa4096, policy: {} }, secrets]],
  "certificate.get": [[{ kind: "certificate.get", name: "stored" }, secrets]],
  "certificate.update": [[{ kind: "certificate.update", name: "stored" }, secrets]],
  "certificate.list": [[{ kind: "certificate.list", page, includePending: true }, secrets]],
  "certificate.listVersions": [[{ kind: "certificate.listVersions", name: "stored", page }, secrets]],
  "certificate.delete": [[{ kind: "certificate.delete", name: "stored" }, secrets]],
  "certificate.listDeleted": [[{ kind: "certificate.listDeleted", page }, secrets]],
  "certificate.getDeleted": [[{ kind: "certificate.getDeleted", name: "stored" }, secrets]],
  "certificate.recover": [[{ kind: "certificate.recover", name: "stored" }, secrets]],
  "certificate.purge": [[{ kind: "certificate.purge", name: "stored" }, secrets]],
  "certificate.getPolicy": [[{ kind: "certificate.getPolicy", name: "stored" }, secrets]],
  "certificate.updatePolicy": [[{ kind: "certificate.updatePolicy", name: "stored", policy: {} }, secrets]],
  "certificate.getOperation": [[{ kind: "certificate.getOperation", name: "stored" }, secrets]],
  "certificate.updateOperation": [[{ kind: "certificate.updateOperation", name: "stored", cancellationRequested: true }, secrets]],
  "certificate.deleteOperation": [[{ kind: "certificate.deleteOperation", name: "stored" }, secrets]],
  "certificate.merge": [[{ kind: "certificate.merge", name: "stored", chain: [bytes] }, secrets]],
  "certificate.backup": [[{ kind: "certificate.backup", name: "stored" }, secrets]],
  "certificate.restore": [[{ kind: "certificate.restore", blob: "b" }, secrets]],

  "certificate.getContacts": [[{ kind: "certificate.getContacts" }, secrets]],
  "certificate.setContacts": [[{ kind: "certificate.setContacts", contacts: [{ email: "a@example.com" }] }, secrets]],
  "certificate.deleteContacts": [[{ kind: "certificate.deleteContacts" }, secrets]],
  "certificate.listIssuers": [[{ kind: "certificate.listIssuers", page }, secrets]],
  "certificate.getIssuer": [[{ kind: "certificate.getIssuer", name: "stored" }, secrets]],
  "certificate.setIssuer": [[{ kind: "certificate.setIssuer", name: "stored", provider: "Self" }, secrets]],
  "certificate.updateIssuer": [[{ kind: "certificate.updateIssuer", name: "stored" }, secrets]],
  "certificate.deleteIssuer": [[{ kind: "certificate.deleteIssuer", name: "stored" }, secrets]],
  "keySet.key": [[{ kind: "keySet.key", name: "stored" }, keys(1)]],
  "keySet.vault": [[{ kind: "keySet.vault" }, keys(1)]],
  "keySet.discovery": [[{ kind: "keySet.discovery" }, keys(1)]],

  // A managed HSM's administration: one unit of its key transactions each.
  "hsm.listRoleDefinitions": [[{ kind: "hsm.listRoleDefinitions", scope: "/" }, keys(1)]],
  "hsm.getRoleDefinition": [[{ kind: "hsm.getRoleDefinition", scope: "/", name: "g" }, keys(1)]],
  "hsm.setRoleDefinition": [[{ kind: "hsm.setRoleDefinition", scope: "/", name: "g", definition: { roleName: "", description: "", permissions: [], assignableScopes: ["/"] } }, keys(1)]],
  "hsm.deleteRoleDefinition": [[{ kind: "hsm.deleteRoleDefinition", scope: "/", name: "g" }, keys(1)]],
  "hsm.listRoleAssignments": [[{ kind: "hsm.listRoleAssignments", scope: "/keys" }, keys(1)]],
  "hsm.getRoleAssignment": [[{ kind: "hsm.getRoleAssignment", scope: "/", name: "g" }, keys(1)]],
  "hsm.createRoleAssignment": [[{ kind: "hsm.createRoleAssignment", scope: "/keys/stored", name: "g", roleDefinitionId: "r", principalId: "p" }, keys(1)]],
  "hsm.deleteRoleAssignment": [[{ kind: "hsm.deleteRoleAssignment", scope: "/", name: "g" }, keys(1)]],
  "hsm.listSettings": [[{ kind: "hsm.listSettings" }, keys(1)]],
  "hsm.getSetting": [[{ kind: "hsm.getSetting", name: "s" }, keys(1)]],
  "hsm.updateSetting": [[{ kind: "hsm.updateSetting", name: "s", value: "true" }, keys(1)]],
  "hsm.downloadSecurityDomain": [[{ kind: "hsm.downloadSecurityDomain", certificates: [], required: 2 }, keys(1)]],
  "hsm.securityDomainDownloadStatus": [[{ kind: "hsm.securityDomainDownloadStatus" }, keys(1)]],
  "hsm.transferKey": [[{ kind: "hsm.transferKey", baseUrl: "https://h" }, keys(1)]],
  "hsm.uploadSecurityDomain": [[{ kind: "hsm.uploadSecurityDomain", value: "{}" }, keys(1)]],
  "hsm.securityDomainUploadStatus": [[{ kind: "hsm.securityDomainUploadStatus" }, keys(1)]],
  "hsm.startBackup": [[{ kind: "hsm.startBackup", location }, keys(1)]],
  "hsm.preBackup": [[{ kind: "hsm.preBackup", location }, keys(1)]],
  "hsm.startRestore": [[{ kind: "hsm.startRestore", location, folder: "f" }, keys(1)]],
  "hsm.preRestore": [[{ kind: "hsm.preRestore", location, folder: "f" }, keys(1)]],
  "hsm.startKeyRestore": [[{ kind: "hsm.startKeyRestore", location, folder: "f", keyName: "stored" }, keys(1)]],
  "hsm.backupStatus": [[{ kind: "hsm.backupStatus", jobId: "j" }, keys(1)]],
  "hsm.restoreStatus": [[{ kind: "hsm.restoreStatus", jobId: "j" }, keys(1)]],
} satisfies Cases;

const rows = Object.values(CASES).flatMap((cases) => cases.map(([op, charge]) => ({ op, charge })));

describe("throttle charge of every operation (Azure Key Vault service limits)", () => {
  it.each(rows)("$op.kind $op.name $op.version -> $charge.bucket x $charge.cost", ({ op, charge }) => {
    expect(throttleCharge(op, objects)).toEqual(charge);
  });
});
