import { DurableObject } from "cloudflare:workers";
import { VaultError } from "../worker/errors/vault-error.ts";
import { systemClock, toUnixSeconds, type Clock } from "./domain/clock.ts";
import type { TenantInfo } from "./domain/principal.ts";
import { fail, ok, type Result } from "./domain/result.ts";
import { migrate } from "./storage/migrate.ts";
import { REGISTRY_MIGRATIONS } from "./storage/migrations.ts";
import { RegistryRepository } from "./storage/registry-repository.ts";

/** Where the credential-less local token endpoints (IMDS, Cloud Shell) point; dev only. */
export interface LocalDefaultIdentity {
  readonly tenantId: string;
  readonly principalId: string;
}

const LOCAL_DEFAULT_IDENTITY = "local-default-identity";

/**
 * The singleton directory: which tenants exist and which tenant owns each vault name. Vault names
 * are globally unique (Azure DNS names); reserving one here is the single point that decides it.
 * It is on the control-plane path only, never on a data-plane request.
 */
export class RegistryObject extends DurableObject<Env> {
  clock: Clock = systemClock;
  private readonly repo: RegistryRepository;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.repo = new RegistryRepository(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, REGISTRY_MIGRATIONS);
    });
  }

  async addTenant(displayName: string): Promise<TenantInfo> {
    const tenant: TenantInfo = { id: crypto.randomUUID(), displayName, created: toUnixSeconds(this.clock.now()) };
    this.repo.insertTenant(tenant);
    return tenant;
  }

  async listTenants(): Promise<TenantInfo[]> {
    return this.repo.tenants();
  }

  /** A tenant can be removed only once it owns no vaults. */
  async removeTenant(id: string): Promise<Result<null>> {
    if (this.repo.vaultCount(id) > 0) return fail(new VaultError("Conflict", "Delete the tenant's vaults first."));
    if (!this.repo.deleteTenant(id)) return fail(new VaultError("TenantNotFound", "The tenant was not found."));
    if (this.localDefault()?.tenantId === id) this.repo.putSetting(LOCAL_DEFAULT_IDENTITY, "null");
    return ok(null);
  }

  async reserveVaultName(name: string, tenantId: string): Promise<Result<null>> {
    if (!this.repo.reserveVault(name.toLowerCase(), tenantId, toUnixSeconds(this.clock.now()))) {
      return fail(new VaultError("VaultAlreadyExists", `The vault name '${name}' is already in use.`));
    }
    return ok(null);
  }

  async releaseVaultName(name: string): Promise<void> {
    this.repo.releaseVault(name.toLowerCase());
  }

  async setLocalDefaultIdentity(identity: LocalDefaultIdentity): Promise<void> {
    this.repo.putSetting(LOCAL_DEFAULT_IDENTITY, JSON.stringify(identity));
  }

  async getLocalDefaultIdentity(): Promise<LocalDefaultIdentity | null> {
    return this.localDefault();
  }

  private localDefault(): LocalDefaultIdentity | null {
    const raw = this.repo.setting(LOCAL_DEFAULT_IDENTITY);
    return raw === null ? null : (JSON.parse(raw) as LocalDefaultIdentity | null);
  }
}
