/**
 * Every AAD this service seals under (AES-256-GCM, aead.ts), in one place (docs/decisions.md §5). The AAD binds a
 * ciphertext to where it belongs — tenant, vault, kind, name, version — so a row or blob copied anywhere else fails
 * to open. These strings are part of the stored data format: migrations/README.md lists each beside its column, and
 * test/unit/envelope-aad.test.ts holds them to that table. Never change one; a new format gets a new prefix.
 *
 * Vault names are compared case-insensitively (Azure), so every format lower-cases the vault's.
 */

/** The vault a sealed value belongs to (a VaultConfig fits). */
export interface AadVault {
  readonly tenantId: string;
  readonly name: string;
}

const vaultPart = (vault: AadVault): string => `${vault.tenantId}|${vault.name.toLowerCase()}`;

/** `object_versions.sealed_value`: a secret's value, a key's private JWK or HSM reference. `nameKey` is lower-cased. */
export function valueAad(vault: AadVault, kind: string, nameKey: string, version: string): string {
  return `v1|${vaultPart(vault)}|${kind}|${nameKey}|${version}`;
}

/** `certificate_operations.sealed_pending_key`: the private JWK waiting for a merge (the value format, its own kind). */
export function pendingKeyAad(vault: AadVault, nameKey: string, version: string): string {
  return valueAad(vault, "certificate-pending", nameKey, version);
}

/** `event_subscriptions.sealed_secret`: a webhook's HMAC signing secret. */
export function webhookSecretAad(vault: AadVault, subscriptionId: string): string {
  return `webhook-secret|${vaultPart(vault)}|${subscriptionId}`;
}

/** `certificate_issuers.sealed_password`: an issuer account's password. */
export function issuerCredentialsAad(vault: AadVault, issuerNameKey: string): string {
  return `issuer-credentials|${vaultPart(vault)}|${issuerNameKey}`;
}

/** `hsm_pending_keys.sealed_request`: a key-making bridge request of unknown outcome. */
export function hsmPendingAad(vault: AadVault, idempotencyKey: string): string {
  return `hsm-pending|${vaultPart(vault)}|${idempotencyKey}`;
}

/** `vault.sealed_hsm_domain`: a managed HSM's security-domain secrets (docs/managed-hsm.md "Security domain"). */
export function hsmDomainAad(vault: AadVault): string {
  return `hsm-domain|${vaultPart(vault)}`;
}

/** `vault.sealed_transfer_key`: a managed HSM's security-domain upload transfer key. */
export function hsmTransferKeyAad(vault: AadVault): string {
  return `hsm-transfer-key|${vaultPart(vault)}`;
}

/**
 * A managed HSM's full backup blob `{folder}/{blob}` in R2, sealed under its security domain (hsm-backup-seal.ts).
 * The HSM's name is not bound: restoring into another HSM of the same domain is the point.
 */
export function hsmBackupAad(folder: string, blob: string): string {
  return `hsm-backup/v1|${folder}|${blob}`;
}

/**
 * A whole-vault snapshot's own random key, wrapped by a key derived from the root key for the snapshot's tenant
 * (snapshot-seal.ts; docs/vault-snapshots.md), bound to the vault and snapshot it was made for.
 */
export function snapshotKeyAad(vault: AadVault, snapshotId: string): string {
  return `snapshot-key/v1|${vaultPart(vault)}|${snapshotId}`;
}

/** A whole-vault snapshot's contents in R2, sealed under its snapshot key. */
export function snapshotAad(vault: AadVault, snapshotId: string): string {
  return `snapshot/v1|${vaultPart(vault)}|${snapshotId}`;
}

/** The owner a vault's data key is wrapped for (`vault.wrapped_dek`). */
export function vaultDataKeyOwner(vault: AadVault): string {
  return `vault|${vaultPart(vault)}`;
}

/** The owner a tenant's data key is wrapped for (`tenant.wrapped_dek`). */
export function tenantDataKeyOwner(tenantId: string): string {
  return `tenant|${tenantId}`;
}

/**
 * A data key wrapped under the root-derived KEK. The AAD names the HSM layering too, so a layered row cannot be
 * passed off as a plain one or the reverse.
 */
export function dataKeyAad(owner: string, hsmLayered: boolean): string {
  return hsmLayered ? `dek+hsm|${owner}` : `dek|${owner}`;
}

/** `signing_keys.sealed_private_jwk`: a tenant's token-signing key. */
export function signingKeyAad(tenantId: string, kid: string): string {
  return `signing-key|${tenantId}|${kid}`;
}

/** A backup blob (returned to the client, not stored), restorable only within its tenant and for its kind. */
export function backupAad(tenantId: string, kind: string): string {
  return `backup|${tenantId}|${kind}`;
}

/**
 * Where a continuation token may be used: the tenant, the vault, the collection (the list operation and, for the
 * versions of one object, its name) and the api-version of the request that received it. It is the token's AAD,
 * so a token replayed anywhere else fails to open.
 */
export interface PageTokenScope {
  readonly tenantId: string;
  readonly vault: string;
  readonly collection: string;
  readonly apiVersion: string;
}

/** A `$skiptoken` (returned to the client, not stored), bound to its {@link PageTokenScope}. */
export function pageTokenAad(scope: PageTokenScope): string {
  return `page/v1|${scope.tenantId}|${scope.vault.toLowerCase()}|${scope.collection}|${scope.apiVersion}`;
}

/** `users.sealed_totp_secret`: a user's TOTP secret (docs/sign-in.md "TOTP"), under the tenant data key. */
export function totpSecretAad(tenantId: string, userId: string): string {
  return `totp|${tenantId}|${userId}`;
}

/** `sign_in_providers.sealed_client_secret`: the client secret of the tenant's registration at an external provider. */
export function signInProviderSecretAad(tenantId: string, providerName: string): string {
  return `sign-in-provider-secret|${tenantId}|${providerName}`;
}

/** An external sign-in's state (returned to the browser, not stored), bound to the tenant whose sign-in it continues. */
export function externalSignInStateAad(tenantId: string): string {
  return `sign-in-state/v1|${tenantId}`;
}
