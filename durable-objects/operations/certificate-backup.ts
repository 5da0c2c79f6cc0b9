import { sealBackup } from "../../core/crypto/envelope/backup-seal.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import type { PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import type { CertificatePolicy } from "../../core/domain/certificates/certificate-policy.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import type { ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { openPrivateJwk, sealKeyMaterial } from "./key-material.ts";
import { isBackedUpVersion, isRecord, openObjectBackup, versionsFromBackup, type BackedUpVersion } from "./object-backup.ts";
import { liveName, restoreVersions } from "./object-lifecycle.ts";
import { valueAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, EventOutbox, CertificateStores } from "./vault-context.ts";
import { openValue, sealValue } from "./sealed-values.ts";

const KIND = "certificate";
const decoder = new TextDecoder();

/** What a certificate backup holds: every version of the certificate, its managed key and secret, and the policy. */
interface CertificateBackup {
  readonly name: string;
  readonly policy: Omit<CertificatePolicy, never> | null;
  readonly versions: readonly BackedUpVersion<string>[];
  readonly keys: readonly (BackedUpVersion<PrivateJwk> & { readonly props: string })[];
  readonly secrets: readonly (BackedUpVersion<string> & { readonly contentType: string | null })[];
}

/** BackupCertificate: sealed for this tenant like every backup (object-backup.ts). */
export async function backUpCertificate(ctx: VaultScope & ObjectStore & Sealing & CertificateStores, name: string): Promise<{ blob: string }> {
  const key = nameKey(name);
  const state = liveName(ctx, KIND, name);
  const secretValue = async (v: StoredVersion) =>
    decoder.decode(await openValue(ctx, valueAad(ctx.config, "secret", key, v.version), v.sealedValue));
  const backup: CertificateBackup = {
    name: state.name,
    policy: ctx.certificatePolicies.get(key)?.policy ?? null,
    versions: ctx.objects.allVersions(KIND, key).map((v) => ({ ...base(v), value: v.props ?? "" })),
    keys: await Promise.all(ctx.objects.allVersions("key", key).map(async (v) => ({ ...base(v), value: await openPrivateJwk(ctx, v), props: v.props ?? "" }))),
    secrets: await Promise.all(
      ctx.objects.allVersions("secret", key).map(async (v) => ({ ...base(v), value: await secretValue(v), contentType: v.contentType ?? null })),
    ),
  };
  return { blob: await sealBackup(ctx.rootKeys(), ctx.config.tenantId, KIND, backup) };
}

/** RestoreCertificate: the name must be free for all three kinds; everything is restored in one transaction. */
export async function restoreCertificate(ctx: VaultScope & ObjectStore & Sealing & Transactions & EventOutbox & CertificateStores, blob: string): Promise<StoredVersion> {
  const backup = await openObjectBackup(ctx, KIND, blob, isCertificateBackup);
  const key = nameKey(backup.name);
  const certificates = await versionsFromBackup(backup.name, backup.versions, async (v) => ({ sealedValue: new Uint8Array(0), props: v.value }));
  const keys = await versionsFromBackup(backup.name, backup.keys, async (v) => ({
    sealedValue: await sealKeyMaterial(ctx, backup.name, v.version, v.value),
    props: backup.keys.find((k) => k.version === v.version)?.props ?? "",
  }));
  const secrets = await versionsFromBackup(backup.name, backup.secrets, async (v) => ({
    sealedValue: await sealValue(ctx, valueAad(ctx.config, "secret", key, v.version), utf8(v.value)),
    ...contentTypeOf(backup.secrets.find((s) => s.version === v.version)?.contentType ?? null),
  }));
  return ctx.transaction(() => {
    const restored = restoreVersions(ctx, KIND, backup.name, certificates);
    restoreManaged(ctx, "key", backup.name, keys);
    restoreManaged(ctx, "secret", backup.name, secrets);
    if (backup.policy !== null) ctx.certificatePolicies.put(key, backup.policy);
    return restored;
  });
}

function restoreManaged(ctx: VaultScope & ObjectStore & Transactions & EventOutbox, kind: ObjectKind, name: string, versions: readonly StoredVersion[]): void {
  if (versions.length > 0) restoreVersions(ctx, kind, name, versions);
}

function base(v: StoredVersion) {
  return { version: v.version, attributes: v.attributes, ...(v.tags === undefined ? {} : { tags: v.tags }), managed: v.managed };
}

function contentTypeOf(type: string | null): { contentType?: string } {
  return type === null ? {} : { contentType: type };
}

function isCertificateBackup(v: unknown): v is CertificateBackup {
  return (
    isRecord(v) &&
    typeof v.name === "string" &&
    (v.policy === null || isRecord(v.policy)) &&
    Array.isArray(v.versions) &&
    v.versions.length > 0 &&
    v.versions.every((x) => isBackedUpVersion(x, (value) => typeof value === "string")) &&
    Array.isArray(v.keys) &&
    v.keys.every((x) => isBackedUpVersion(x, isRecord) && isRecord(x) && typeof x.props === "string") &&
    Array.isArray(v.secrets) &&
    v.secrets.every((x) => isBackedUpVersion(x, (value) => typeof value === "string"))
  );
}
