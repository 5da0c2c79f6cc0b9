import { randomUUID } from "node:crypto";
import { AdminApiError, type AdminClient } from "./admin-client.ts";
import { readState, saveState, type BootstrapState } from "./bootstrap-state.ts";

export const DEV_VAULT_NAME = "dev";
/** Premium, so RSA-HSM/EC-HSM/oct-HSM work whenever the HSM bridge runs (without it they are refused with a reason). */
const DEV_VAULT_SKU = "premium";
/** Made only while the HSM bridge runs: the server refuses a managed HSM without one. */
const DEV_MANAGED_HSM_NAME = "devhsm";
const TENANT_DISPLAY_NAME = "dev";
const IDENTITY_DISPLAY_NAME = "dev-identity";
const DEV_ROLE = "Key Vault Administrator";
/**
 * A managed HSM has its own roles (docs/managed-hsm.md "Local RBAC"). Its Administrator may administer it (roles,
 * settings, backup) but not use keys, so the dev identity also gets the key roles and may read the audit log.
 */
const DEV_HSM_ROLES = ["Managed HSM Administrator", "Managed HSM Crypto Officer", "Managed HSM Crypto User", "Managed HSM Audit Reader"];

export type BootstrapOutcome = "reused" | "created" | "recreated-vault";
export type ManagedHsmOutcome = "reused" | "created" | "recreated";

export interface Bootstrap {
  readonly state: BootstrapState;
  readonly outcome: BootstrapOutcome;
  /** The vault's sku as the server reports it (vaults made before HSM support are standard). */
  readonly sku: string;
  /** The managed HSM's name and what was done to have it; set exactly when one was asked for. */
  readonly managedHsm?: { readonly name: string; readonly outcome: ManagedHsmOutcome };
}

/**
 * Makes sure the server has a tenant, a managed identity, the `dev` vault and an administrator role for that
 * identity on it, and with `managedHsm` the `devhsm` managed HSM with the same role. Everything lives in the
 * Worker's persisted state, so a restart reuses it; when that state was wiped (the tenant is gone) it starts
 * over, and when only the vault or the managed HSM is gone it recreates just that.
 */
export async function ensureBootstrap(
  admin: AdminClient,
  statePath: string,
  options: { readonly managedHsm: boolean },
): Promise<Bootstrap> {
  const bootstrap = await ensureVault(admin, statePath);
  if (!options.managedHsm) return bootstrap;

  const known = bootstrap.state.managedHsm;
  if (known !== undefined && (await admin.getVault(bootstrap.state.tenantId, known.name)) !== undefined) {
    return { ...bootstrap, managedHsm: { name: known.name, outcome: "reused" } };
  }
  const name = known?.name ?? DEV_MANAGED_HSM_NAME;
  const roleAssignmentId = await createWithAdministrator(admin, bootstrap.state, name, "managedHSM");
  const state: BootstrapState = { ...bootstrap.state, managedHsm: { name, roleAssignmentId } };
  await saveState(statePath, state);
  return { ...bootstrap, state, managedHsm: { name, outcome: known === undefined ? "created" : "recreated" } };
}

async function ensureVault(admin: AdminClient, statePath: string): Promise<Bootstrap> {
  const saved = await readState(statePath);
  if (saved !== undefined && (await admin.getTenant(saved.tenantId)) !== undefined) {
    // Cheap and idempotent; repairs the setting should the server have lost only that.
    await admin.setLocalDefaultIdentity(saved.tenantId, saved.principalId);
    const vault = await admin.getVault(saved.tenantId, saved.vaultName);
    if (vault !== undefined) return { state: saved, outcome: "reused", sku: vault.sku ?? "standard" };
    const roleAssignmentId = await createWithAdministrator(admin, saved, saved.vaultName, DEV_VAULT_SKU);
    const state: BootstrapState = { ...saved, roleAssignmentId };
    await saveState(statePath, state);
    return { state, outcome: "recreated-vault", sku: DEV_VAULT_SKU };
  }

  // A new tenant: whatever managed HSM the old state named went with the old tenant.
  const tenant = await admin.createTenant(TENANT_DISPLAY_NAME);
  const identity = await admin.createManagedIdentity(tenant.id, IDENTITY_DISPLAY_NAME);
  await admin.setLocalDefaultIdentity(tenant.id, identity.id);
  const owner = { tenantId: tenant.id, principalId: identity.id };
  const state: BootstrapState = {
    ...owner,
    appId: identity.appId,
    identityHeader: identity.identityHeader,
    vaultName: DEV_VAULT_NAME,
    roleAssignmentId: await createWithAdministrator(admin, owner, DEV_VAULT_NAME, DEV_VAULT_SKU),
  };
  await saveState(statePath, state);
  return { state, outcome: "created", sku: DEV_VAULT_SKU };
}

/**
 * Creates the vault or managed HSM `name` with the identity as its administrator (for an HSM, with its key roles too);
 * returns the (first) role assignment's id.
 */
async function createWithAdministrator(
  admin: AdminClient,
  owner: { readonly tenantId: string; readonly principalId: string },
  name: string,
  sku: "premium" | "managedHSM",
): Promise<string> {
  try {
    await admin.createVault(owner.tenantId, name, { softDeleteRetentionInDays: 90, enablePurgeProtection: false, sku });
  } catch (error) {
    if (error instanceof AdminApiError && error.code === "VaultAlreadyExists") {
      // Vault and managed HSM names are global (one host each). Only a lost or replaced state.json with a kept
      // wrangler-state gets here.
      throw new Error(
        `"${name}" already exists on the server, but state.json does not record it (it was lost or replaced). ` +
          `Restore state.json, or delete the wrangler-state directory to start afresh.`,
        { cause: error },
      );
    }
    throw error;
  }
  const roles = sku === "managedHSM" ? DEV_HSM_ROLES : [DEV_ROLE];
  const ids = roles.map(() => randomUUID());
  for (const [i, role] of roles.entries()) await admin.assignRole(owner.tenantId, name, ids[i] as string, role, owner.principalId);
  return ids[0] as string;
}
