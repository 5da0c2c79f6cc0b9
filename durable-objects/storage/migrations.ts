import vault0001 from "../../migrations/vault/0001_init.sql";
import vault0002 from "../../migrations/vault/0002_purge_schedule_index.sql";
import vault0003 from "../../migrations/vault/0003_key_properties_and_rotation.sql";
import vault0004 from "../../migrations/vault/0004_throttle_and_audit.sql";
import vault0005 from "../../migrations/vault/0005_events.sql";
import vault0006 from "../../migrations/vault/0006_certificates.sql";
import vault0007 from "../../migrations/vault/0007_hsm_data_key.sql";
import vault0008 from "../../migrations/vault/0008_hsm_key_reconciliation.sql";
import vault0009 from "../../migrations/vault/0009_long_running_operations.sql";
import vault0010 from "../../migrations/vault/0010_object_tag_index.sql";
import vault0011 from "../../migrations/vault/0011_edge_reads.sql";
import vault0012 from "../../migrations/vault/0012_release_nonces_and_audit_detail.sql";
import vault0013 from "../../migrations/vault/0013_managed_hsm_rbac_and_settings.sql";
import vault0014 from "../../migrations/vault/0014_managed_hsm_domain_and_jobs.sql";
import vault0015 from "../../migrations/vault/0015_network_acls.sql";
import vault0016 from "../../migrations/vault/0016_cors.sql";
import vault0017 from "../../migrations/vault/0017_access_policies.sql";
import vault0018 from "../../migrations/vault/0018_custom_role_copies.sql";
import vault0019 from "../../migrations/vault/0019_vault_soft_delete.sql";
import vault0020 from "../../migrations/vault/0020_policy_assignments.sql";
import vault0021 from "../../migrations/vault/0021_root_key_version.sql";
import vault0022 from "../../migrations/vault/0022_throttle_usage.sql";
import tenant0001 from "../../migrations/tenant/0001_init.sql";
import tenant0002 from "../../migrations/tenant/0002_throttle.sql";
import tenant0003 from "../../migrations/tenant/0003_groups.sql";
import tenant0004 from "../../migrations/tenant/0004_principal_secrets.sql";
import tenant0005 from "../../migrations/tenant/0005_federated_credentials.sql";
import tenant0006 from "../../migrations/tenant/0006_principal_certificates.sql";
import tenant0007 from "../../migrations/tenant/0007_role_definitions.sql";
import tenant0008 from "../../migrations/tenant/0008_policy_assignments.sql";
import tenant0009 from "../../migrations/tenant/0009_trusted_issuers.sql";
import tenant0010 from "../../migrations/tenant/0010_root_key_version.sql";
import tenant0011 from "../../migrations/tenant/0011_users_and_sign_in_grants.sql";
import tenant0012 from "../../migrations/tenant/0012_totp_and_lockout_settings.sql";
import tenant0013 from "../../migrations/tenant/0013_sign_in_providers.sql";
import registry0001 from "../../migrations/registry/0001_init.sql";
import registry0002 from "../../migrations/registry/0002_control_plane_audit.sql";
import registry0003 from "../../migrations/registry/0003_audit_result_description.sql";
import registry0004 from "../../migrations/registry/0004_deleted_vaults.sql";
import registry0005 from "../../migrations/registry/0005_root_key_rotation.sql";
import type { Migration } from "./migrate.ts";

/** Every shipped migration, per Durable Object class. Append only; never edit one that shipped. */
export const VAULT_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "init", sql: vault0001 },
  { version: 2, name: "purge_schedule_index", sql: vault0002 },
  { version: 3, name: "key_properties_and_rotation", sql: vault0003 },
  { version: 4, name: "throttle_and_audit", sql: vault0004 },
  { version: 5, name: "events", sql: vault0005 },
  { version: 6, name: "certificates", sql: vault0006 },
  { version: 7, name: "hsm_data_key", sql: vault0007 },
  { version: 8, name: "hsm_key_reconciliation", sql: vault0008 },
  { version: 9, name: "long_running_operations", sql: vault0009 },
  { version: 10, name: "object_tag_index", sql: vault0010 },
  { version: 11, name: "edge_reads", sql: vault0011 },
  { version: 12, name: "release_nonces_and_audit_detail", sql: vault0012 },
  { version: 13, name: "managed_hsm_rbac_and_settings", sql: vault0013 },
  { version: 14, name: "managed_hsm_domain_and_jobs", sql: vault0014 },
  { version: 15, name: "network_acls", sql: vault0015 },
  { version: 16, name: "cors", sql: vault0016 },
  { version: 17, name: "access_policies", sql: vault0017 },
  { version: 18, name: "custom_role_copies", sql: vault0018 },
  { version: 19, name: "vault_soft_delete", sql: vault0019 },
  { version: 20, name: "policy_assignments", sql: vault0020 },
  { version: 21, name: "root_key_version", sql: vault0021 },
  { version: 22, name: "throttle_usage", sql: vault0022 },
];

export const TENANT_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "init", sql: tenant0001 },
  { version: 2, name: "throttle", sql: tenant0002 },
  { version: 3, name: "groups", sql: tenant0003 },
  { version: 4, name: "principal_secrets", sql: tenant0004 },
  { version: 5, name: "federated_credentials", sql: tenant0005 },
  { version: 6, name: "principal_certificates", sql: tenant0006 },
  { version: 7, name: "role_definitions", sql: tenant0007 },
  { version: 8, name: "policy_assignments", sql: tenant0008 },
  { version: 9, name: "trusted_issuers", sql: tenant0009 },
  { version: 10, name: "root_key_version", sql: tenant0010 },
  { version: 11, name: "users_and_sign_in_grants", sql: tenant0011 },
  { version: 12, name: "totp_and_lockout_settings", sql: tenant0012 },
  { version: 13, name: "sign_in_providers", sql: tenant0013 },
];

export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "init", sql: registry0001 },
  { version: 2, name: "control_plane_audit", sql: registry0002 },
  { version: 3, name: "audit_result_description", sql: registry0003 },
  { version: 4, name: "deleted_vaults", sql: registry0004 },
  { version: 5, name: "root_key_rotation", sql: registry0005 },
];
