import { randomUUID } from "node:crypto";
import { AdminApiError, type AdminClient } from "./admin-client.ts";
import { readTextIfExists, writeFileAtomic } from "./files.ts";

export const DEV_VAULT_NAME = "dev";
/** Premium, so RSA-HSM/EC-HSM/oct-HSM work whenever the HSM bridge runs (without it they are refused with a reason). */
const DEV_VAULT_SKU = "premium";
const TENANT_DISPLAY_NAME = "dev";
const IDENTITY_DISPLAY_NAME = "dev-identity";
const DEV_ROLE = "Key Vault Administrator";

/** What the bootstrap created, kept in `<stateDir>/state.json` so restarts reuse it. */
export interface BootstrapState {
  readonly tenantId: string;
  readonly principalId: string;
  readonly appId: string;
  /** The managed identity's secret; the server returns it only when the identity is created. */
  readonly identityHeader: string;
  readonly vaultName: string;
  readonly roleAssignmentId: string;
}

export type BootstrapOutcome = "reused" | "created" | "recreated-vault";

/**
 * Makes sure the server has a tenant, a managed identity, the `dev` vault and an administrator role for that
 * identity on it. Everything lives in the Worker's persisted state, so a restart reuses it; when that state was
 * wiped (the tenant is gone) it starts over, and when only the vault is gone it recreates just the vault.
 */
export async function ensureBootstrap(
  admin: AdminClient,
  statePath: string,
): Promise<{ state: BootstrapState; outcome: BootstrapOutcome; sku: string }> {
  const saved = await readState(statePath);
  if (saved !== undefined && (await admin.getTenant(saved.tenantId)) !== undefined) {
    const vault = await admin.getVault(saved.tenantId, saved.vaultName);
    if (vault !== undefined) {
      // Cheap and idempotent; repairs the setting should the server have lost only that.
      await admin.setLocalDefaultIdentity(saved.tenantId, saved.principalId);
      return { state: saved, outcome: "reused", sku: vault.sku ?? "standard" };
    }
    const state = await createVaultWithRole(admin, saved);
    await saveState(statePath, state);
    return { state, outcome: "recreated-vault", sku: DEV_VAULT_SKU };
  }

  const tenant = await admin.createTenant(TENANT_DISPLAY_NAME);
  const identity = await admin.createManagedIdentity(tenant.id, IDENTITY_DISPLAY_NAME);
  const state = await createVaultWithRole(admin, {
    tenantId: tenant.id,
    principalId: identity.id,
    appId: identity.appId,
    identityHeader: identity.identityHeader,
    vaultName: DEV_VAULT_NAME,
  });
  await saveState(statePath, state);
  return { state, outcome: "created", sku: DEV_VAULT_SKU };
}

async function createVaultWithRole(
  admin: AdminClient,
  identity: Omit<BootstrapState, "roleAssignmentId">,
): Promise<BootstrapState> {
  try {
    await admin.createVault(identity.tenantId, identity.vaultName, {
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: false,
      sku: DEV_VAULT_SKU,
    });
  } catch (error) {
    if (error instanceof AdminApiError && error.code === "VaultAlreadyExists") {
      // Vault names are global (one host each). Only a lost state.json with a kept wrangler-state gets here.
      throw new Error(
        `vault "${identity.vaultName}" already exists on the server under a tenant this script no longer knows ` +
          `(state.json was lost). Restore state.json, or delete the wrangler-state directory to start afresh.`,
        { cause: error },
      );
    }
    throw error;
  }
  const roleAssignmentId = randomUUID();
  await admin.assignRole(identity.tenantId, identity.vaultName, roleAssignmentId, DEV_ROLE, identity.principalId);
  await admin.setLocalDefaultIdentity(identity.tenantId, identity.principalId);
  return { ...identity, roleAssignmentId };
}

async function readState(path: string): Promise<BootstrapState | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isBootstrapState(parsed) ? parsed : undefined;
}

async function saveState(path: string, state: BootstrapState): Promise<void> {
  // Holds the identity header, a credential: owner-only.
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

function isBootstrapState(value: unknown): value is BootstrapState {
  if (typeof value !== "object" || value === null) return false;
  const record: Record<string, unknown> = { ...value };
  return ["tenantId", "principalId", "appId", "identityHeader", "vaultName", "roleAssignmentId"].every(
    (key) => typeof record[key] === "string",
  );
}
