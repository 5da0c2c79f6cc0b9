import { AuditRepository } from "../storage/audit-repository.ts";
import { CertificateContactRepository } from "../storage/certificate-contact-repository.ts";
import { CertificateIssuerRepository } from "../storage/certificate-issuer-repository.ts";
import { CertificateOperationRepository } from "../storage/certificate-operation-repository.ts";
import { CertificatePolicyRepository } from "../storage/certificate-policy-repository.ts";
import { HsmPendingKeyRepository } from "../storage/hsm-pending-key-repository.ts";
import { HsmRoleDefinitionRepository } from "../storage/hsm-role-definition-repository.ts";
import { CustomRoleCopyRepository } from "../storage/custom-role-copy-repository.ts";
import { HsmSettingsRepository } from "../storage/hsm-settings-repository.ts";
import { HsmDomainRepository } from "../storage/hsm-domain-repository.ts";
import { HsmJobRepository } from "../storage/hsm-job-repository.ts";
import { ObjectRepository } from "../storage/object-repository.ts";
import { PolicyAssignmentRepository } from "../storage/policy-assignment-repository.ts";
import { ReleaseNonceRepository } from "../storage/release-nonce-repository.ts";
import { RoleAssignmentRepository } from "../storage/role-assignment-repository.ts";
import { RotationPolicyRepository } from "../storage/rotation-policy-repository.ts";
import { ThrottleRepository } from "../storage/throttle-repository.ts";
import { ThrottleUsageRepository } from "../storage/throttle-usage-repository.ts";
import { VaultRepository } from "../storage/vault-repository.ts";

/** The repositories over one vault's SQLite database, one of each per Durable Object (storage/ holds the SQL). */
export interface VaultStores {
  readonly vaults: VaultRepository;
  readonly objects: ObjectRepository;
  readonly assignments: RoleAssignmentRepository;
  readonly rotations: RotationPolicyRepository;
  readonly audit: AuditRepository;
  readonly certificatePolicies: CertificatePolicyRepository;
  readonly certificateOperations: CertificateOperationRepository;
  readonly certificateIssuers: CertificateIssuerRepository;
  readonly certificateContacts: CertificateContactRepository;
  readonly hsmPendingKeys: HsmPendingKeyRepository;
  readonly releaseNonces: ReleaseNonceRepository;
  /** A managed HSM's custom roles and settings. */
  readonly hsmRoleDefinitions: HsmRoleDefinitionRepository;
  /** Copies of the tenant's custom roles the vault's assignments use (docs/access-control.md "Custom roles"). */
  readonly customRoleCopies: CustomRoleCopyRepository;
  readonly hsmSettings: HsmSettingsRepository;
  readonly hsmDomain: HsmDomainRepository;
  readonly hsmJobs: HsmJobRepository;
  /** The vault's own throttle counters and its operator's limit overrides. */
  readonly throttle: ThrottleRepository;
  /** The ring of its finished throttle windows (the usage report). */
  readonly throttleUsage: ThrottleUsageRepository;
  /** Vault policy assignments, the vault's own and its tenant's copies (docs/vault-policies.md). */
  readonly policyAssignments: PolicyAssignmentRepository;
}

/** Repositories only hold the handle; nothing is read until they are used. */
export function vaultStores(sql: SqlStorage): VaultStores {
  return {
    vaults: new VaultRepository(sql),
    objects: new ObjectRepository(sql),
    assignments: new RoleAssignmentRepository(sql),
    rotations: new RotationPolicyRepository(sql),
    audit: new AuditRepository(sql),
    certificatePolicies: new CertificatePolicyRepository(sql),
    certificateOperations: new CertificateOperationRepository(sql),
    certificateIssuers: new CertificateIssuerRepository(sql),
    certificateContacts: new CertificateContactRepository(sql),
    hsmPendingKeys: new HsmPendingKeyRepository(sql),
    releaseNonces: new ReleaseNonceRepository(sql),
    hsmRoleDefinitions: new HsmRoleDefinitionRepository(sql),
    customRoleCopies: new CustomRoleCopyRepository(sql),
    hsmSettings: new HsmSettingsRepository(sql),
    hsmDomain: new HsmDomainRepository(sql),
    hsmJobs: new HsmJobRepository(sql),
    throttle: new ThrottleRepository(sql, "vault"),
    throttleUsage: new ThrottleUsageRepository(sql),
    policyAssignments: new PolicyAssignmentRepository(sql, "vault"),
  };
}
