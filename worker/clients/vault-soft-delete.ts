import type { DeletedVault } from "../../core/domain/vault/deleted-vault.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { registryStub, tenantStub } from "./tenant-stub.ts";
import { unwrap } from "./unwrap.ts";
import { forgetVault, vaultStub } from "./vault-stub.ts";

/**
 * Vault soft delete across its three holders (docs/access-control.md "Vault soft delete"): the registry (the name,
 * reserved in every tenant while deleted, and the purge schedule), the vault's object (everything it holds, kept and
 * not served) and the tenant (its list of live vaults). The registry goes first each way, so a name is never free
 * while its vault's data exists; a step that fails undoes the registry's.
 */
export async function softDeleteVault(env: Env, config: VaultConfig): Promise<DeletedVault> {
  const registry = registryStub(env);
  const deleted = unwrap(await registry.markVaultDeleted(config));
  const undo = async () => {
    await registry.unmarkVaultDeleted(config.name, config.tenantId);
  };
  const done = await vaultStub(env, config)
    .softDelete(deleted)
    .catch(async (error: unknown) => {
      await undo();
      throw error;
    });
  if (!done.ok) await undo();
  unwrap(done);
  forgetVault(config.name);
  await tenantStub(env, config.tenantId).removeVault(config.name.toLowerCase());
  return deleted;
}

/** Recovery (ARM PUT with createMode "recover"): the tenant's deleted vault serves again with everything it held. */
export async function recoverVault(env: Env, tenantId: string, name: string): Promise<VaultConfig> {
  const registry = registryStub(env);
  const deleted = unwrap(await registry.unmarkVaultDeleted(name, tenantId));
  const undo = () => registry.reinstateVaultDeletion(deleted);
  const address = { name: deleted.name, ...(deleted.placement === undefined ? {} : { placement: deleted.placement }) };
  const recovered = await vaultStub(env, address)
    .recover()
    .catch(async (error: unknown) => {
      await undo();
      throw error;
    });
  if (!recovered.ok) await undo();
  const config = unwrap(recovered);
  forgetVault(config.name);
  // Off its tenant's list while deleted, the vault missed every policy push: it takes the tenant's list as it is now.
  const assignments = await tenantStub(env, tenantId).addVault(config.name.toLowerCase());
  unwrap(await vaultStub(env, address).managePolicies({ kind: "replaceTenant", assignments }));
  return config;
}
