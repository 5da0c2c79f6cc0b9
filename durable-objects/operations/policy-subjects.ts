import type { VaultOp } from "../../core/contract/vault.ts";
import { readCertificate } from "../../core/crypto/x509/parse.ts";
import { keyTypeFor } from "../../core/crypto/keys/generate-for-spec.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { resolvePolicy } from "../../core/domain/certificates/certificate-policy-patch.ts";
import type { CertificatePolicy } from "../../core/domain/certificates/certificate-policy.ts";
import type { AttributesPatch } from "../../core/domain/objects/attributes.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties, type KeyProperties } from "../../core/domain/objects/key-properties.ts";
import { expiryFromPolicy } from "../../core/domain/objects/rotation-policy.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { spanInMonths, type CertificateSubject, type KeySubject, type PolicySubject } from "../../core/domain/policy/policy-subject.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { CertificatePolicyRepository } from "../storage/certificate-policy-repository.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import type { RotationPolicyRepository } from "../storage/rotation-policy-repository.ts";
import { propertiesFor } from "./key-material.ts";

export interface SubjectSources {
  readonly objects: ObjectRepository;
  readonly rotations: RotationPolicyRepository;
  readonly certificatePolicies: CertificatePolicyRepository;
}

/** An attribute after a patch: null clears it, absent keeps it (Azure PATCH semantics). */
const patched = (patch: AttributesPatch | undefined, current: number | undefined): number | undefined =>
  patch?.exp === undefined ? current : (patch.exp ?? undefined);

function live(sources: SubjectSources, kind: "secret" | "key" | "certificate", name: string, version?: string): StoredVersion | null {
  const found = sources.objects.versionWithState(kind, nameKey(name), version);
  // A missing, deleted or managed object: the operation itself answers (404, 409 …) and writes nothing.
  return found === null || found.state.deletedAt !== null || found.latest.managed ? null : found.latest;
}

function keySubject(name: string, props: Pick<KeyProperties, "kty" | "keySize" | "crv">, exp: number | undefined, created: number, version?: string): KeySubject {
  return {
    kind: "key",
    name,
    ...(version === undefined ? {} : { version }),
    kty: props.kty,
    ...(props.keySize === undefined ? {} : { keySize: props.keySize }),
    ...(props.crv === undefined ? {} : { crv: props.crv }),
    ...(exp === undefined ? {} : { exp }),
    created,
    // A write makes a version, which has no rotation schedule until the policy sets one: the rotation rule is
    // Audit-only (policy-definitions.ts), so it is judged by the compliance scan, never here.
    scheduledRotation: null,
  };
}

/** A certificate's leaf span in months, from its DER (the chain's first). */
function leafMonths(chain: readonly Uint8Array[]): number {
  const leaf = chain[0];
  if (leaf === undefined) return 0;
  const certificate = readCertificate(leaf);
  return spanInMonths(toUnixSeconds(certificate.notBefore.value.getTime()), toUnixSeconds(certificate.notAfter.value.getTime()));
}

function certificateSubject(name: string, policy: CertificatePolicy, leafSpan: number, version?: string): CertificateSubject {
  return { kind: "certificate", name, ...(version === undefined ? {} : { version }), validityMonths: Math.max(policy.x509.validityMonths, leafSpan), issuer: policy.issuer.name };
}

/**
 * What the object would be once `op` is written, for the vault's policies (vault-policies.ts): null for an operation
 * that makes or changes no secret, key or certificate, or addresses one that is not there (the operation answers).
 * Creates and imports are judged by their input, updates by the stored version with the patch applied, a rotation by
 * the version it makes (the latest's type and size, the rotation policy's expiry). `now`: milliseconds.
 */
export function writeSubject(op: VaultOp, config: VaultConfig, sources: SubjectSources, now: number): PolicySubject | null {
  const created = toUnixSeconds(now);
  switch (op.kind) {
    case "secret.set":
      return { kind: "secret", name: op.name, ...(op.attributes?.exp == null ? {} : { exp: op.attributes.exp }), created };
    case "secret.update": {
      const current = live(sources, "secret", op.name, op.version);
      if (current === null) return null;
      const exp = patched(op.attributes, current.attributes.exp);
      return { kind: "secret", name: current.name, version: current.version, ...(exp === undefined ? {} : { exp }), created: current.attributes.created };
    }
    case "key.create": {
      const props = op.hsmSpec ?? propertiesFor(op.jwk, op.kty, []);
      return keySubject(op.name, { ...props, kty: op.kty }, op.attributes?.exp ?? undefined, created);
    }
    case "key.import": {
      const kty = keyTypeFor(config, op.hsm ? (`${op.jwk.kty}-HSM` as const) : op.jwk.kty);
      return keySubject(op.name, propertiesFor(op.jwk, kty, []), op.attributes?.exp ?? undefined, created);
    }
    case "key.importByok":
      // The RSA size is known only once the blob is unwrapped; until the scan, size is not judged (docs/vault-policies.md).
      return keySubject(op.name, op.target, op.attributes?.exp ?? undefined, created);
    case "key.update": {
      const current = live(sources, "key", op.name, op.version);
      if (current === null) return null;
      return keySubject(current.name, parseKeyProperties(current.props), patched(op.attributes, current.attributes.exp), current.attributes.created, current.version);
    }
    case "key.rotate": {
      const current = live(sources, "key", op.name);
      if (current === null) return null;
      const exp = expiryFromPolicy(sources.rotations.get(nameKey(op.name))?.policy ?? null, now);
      return keySubject(current.name, parseKeyProperties(current.props), exp === undefined ? undefined : toUnixSeconds(exp), created);
    }
    case "certificate.create":
      return certificateSubject(op.name, resolvePolicy(op.policy, null, created), 0);
    case "certificate.import":
      return certificateSubject(op.name, resolvePolicy(op.policy, null, created), leafMonths(op.chain));
    case "certificate.merge": {
      const stored = sources.certificatePolicies.get(nameKey(op.name));
      return stored === null ? null : certificateSubject(op.name, stored.policy, leafMonths(op.chain));
    }
    case "certificate.update":
    case "certificate.updatePolicy": {
      const stored = sources.certificatePolicies.get(nameKey(op.name));
      if (stored === null) return null;
      const policy = op.policy === undefined ? stored.policy : resolvePolicy(op.policy, stored.policy, created);
      const current = live(sources, "certificate", op.name);
      const span = current?.attributes.nbf !== undefined && current.attributes.exp !== undefined ? spanInMonths(current.attributes.nbf, current.attributes.exp) : 0;
      return certificateSubject(op.name, policy, span);
    }
    default:
      return null;
  }
}

/** The stored object as the compliance scan judges it: the latest live version with its schedule or policy. */
export function storedSubjects(sources: SubjectSources): PolicySubject[] {
  const subjects: PolicySubject[] = [];
  for (const v of sources.objects.liveLatestOfKind("secret")) {
    if (v.managed) continue;
    subjects.push({ kind: "secret", name: v.name, version: v.version, ...(v.attributes.exp === undefined ? {} : { exp: v.attributes.exp }), created: v.attributes.created });
  }
  for (const v of sources.objects.liveLatestOfKind("key")) {
    if (v.managed) continue;
    const next = sources.rotations.get(nameKey(v.name))?.nextRotationAt ?? null;
    subjects.push({ ...keySubject(v.name, parseKeyProperties(v.props), v.attributes.exp, v.attributes.created, v.version), scheduledRotation: next });
  }
  for (const v of sources.objects.liveLatestOfKind("certificate")) {
    const stored = sources.certificatePolicies.get(nameKey(v.name));
    if (stored === null) continue;
    const span = v.attributes.nbf !== undefined && v.attributes.exp !== undefined ? spanInMonths(v.attributes.nbf, v.attributes.exp) : 0;
    subjects.push(certificateSubject(v.name, stored.policy, span, v.version));
  }
  return subjects;
}
