import { DurableObject } from "cloudflare:workers";
import { VaultError } from "../../core/errors/vault-error.ts";
import { systemClock, toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { TenantInfo } from "../../core/domain/identity/principal.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { migrate } from "../storage/migrate.ts";
import { REGISTRY_MIGRATIONS } from "../storage/migrations.ts";
import { RegistryRepository } from "../storage/registry-repository.ts";
import { AuditRepository, AUDIT_PRUNE_BATCH } from "../storage/audit-repository.ts";
import { auditPage } from "../operations/audit-handlers.ts";
import { PageTokens } from "../operations/page-tokens.ts";
import { RootKeyRepository } from "../storage/root-key-repository.ts";
import { RootKeySweep } from "./root-key-sweep.ts";
import type { RootKeyStatus } from "../../core/contract/root-keys.ts";
import type { AuditFilter } from "../../core/contract/audit.ts";
import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import { deletedVaultOf, type DeletedVault } from "../../core/domain/vault/deleted-vault.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { purgeProtected, purgeVaultObject, scheduledPurgeRecord } from "./deleted-vault-purge.ts";
import { pointUserCode, userCodeTenant } from "./device-code-pointers.ts";

/** How long the control-plane audit log keeps records. */
const CONTROL_PLANE_AUDIT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Deleted vaults purged per alarm run; more re-arm the alarm at once. */
const PURGE_BATCH = 10;

const deletedVaultNotFound = (name: string): VaultError => new VaultError("VaultNotFound", `The deleted vault '${name}' was not found.`);

const auditUnavailable = (): VaultError =>
  new VaultError("ServiceUnavailable", "The request was not processed because its audit record could not be written.");

/** The outcome written into a record once the request it describes has been answered. */
export type AuditOutcome = Pick<AuditRecord, "tenantId" | "vault" | "operation" | "caller" | "httpStatus" | "resultCode" | "durationMs">;

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
  private readonly audit: AuditRepository;
  private readonly pageTokens = new PageTokens(() => this.rootKeys.ring());
  private readonly rootKeys: RootKeySweep;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.repo = new RegistryRepository(ctx.storage.sql);
    this.audit = new AuditRepository(ctx.storage.sql);
    const [repo, nowMs] = [new RootKeyRepository(ctx.storage.sql), () => this.clock.now()];
    this.rootKeys = new RootKeySweep({ repo, env, nowMs, transaction: (fn) => ctx.storage.transactionSync(fn) });
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
    if (this.repo.vaultCount(id) > 0) return fail(new VaultError("Conflict", "Delete the tenant's vaults, and purge its deleted vaults, first."));
    if (!this.repo.deleteTenant(id)) return fail(new VaultError("TenantNotFound", "The tenant was not found."));
    if (this.localDefault()?.tenantId === id) this.repo.putSetting(LOCAL_DEFAULT_IDENTITY, "null");
    return ok(null);
  }

  async reserveVaultName(name: string, tenantId: string): Promise<Result<null>> {
    if (!this.repo.reserveVault(name.toLowerCase(), tenantId, toUnixSeconds(this.clock.now()))) {
      // A soft-deleted vault holds its name in every tenant until recovered or purged (ARM's ConflictError).
      if (this.repo.isDeleted(name.toLowerCase())) {
        return fail(
          new VaultError(
            "ConflictError",
            "A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. " +
              "Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
          ),
        );
      }
      return fail(new VaultError("VaultAlreadyExists", `The vault name '${name}' is already in use.`));
    }
    return ok(null);
  }

  // Soft-deleted vaults (docs/access-control.md "Vault soft delete"): the registry holds their names and their
  // purge schedule, so the name stays reserved across tenants and the alarm purges each at the end of its retention.

  /**
   * Vault deletion, first step: the tenant's live vault is recorded deleted now, its purge scheduled at the end of
   * its retention by this object's clock; the vault's object is told next (VaultObject.softDelete) and, should it
   * fail, {@link unmarkVaultDeleted} undoes this.
   */
  async markVaultDeleted(config: VaultConfig): Promise<Result<DeletedVault>> {
    const deleted = deletedVaultOf(config, this.clock.now());
    if (!this.repo.markDeleted(deleted)) return fail(new VaultError("VaultNotFound", `The vault '${config.name}' was not found.`));
    await this.arm();
    return ok(deleted);
  }

  /** A recovery whose vault object failed: the deletion stands again, as it was. */
  async reinstateVaultDeletion(deleted: DeletedVault): Promise<void> {
    this.repo.markDeleted(deleted);
    await this.arm();
  }

  async deletedVaults(tenantId: string | null): Promise<DeletedVault[]> {
    return this.repo.deletedVaults(tenantId);
  }

  /** The tenant's deleted vault of this name (another tenant's reads as missing). */
  async deletedVault(name: string, tenantId: string): Promise<Result<DeletedVault>> {
    const deleted = this.repo.deletedVault(name.toLowerCase());
    if (deleted === null || deleted.tenantId !== tenantId) return fail(deletedVaultNotFound(name));
    return ok(deleted);
  }

  /**
   * Recovery, first step: the name is live again (so neither a purge nor the alarm takes it meanwhile). Answers the
   * deletion record, which {@link reinstateVaultDeletion} puts back if the vault's object cannot recover. A vault past
   * its scheduled purge date is the alarm's to purge, not recoverable, as in Azure.
   */
  async unmarkVaultDeleted(name: string, tenantId: string): Promise<Result<DeletedVault>> {
    const deleted = this.repo.deletedVault(name.toLowerCase());
    if (deleted === null || deleted.tenantId !== tenantId || deleted.scheduledPurgeAt <= toUnixSeconds(this.clock.now())) {
      return fail(deletedVaultNotFound(name));
    }
    if (!this.repo.unmarkDeleted(name.toLowerCase(), tenantId)) return fail(deletedVaultNotFound(name));
    return ok(deleted);
  }

  /** An explicit purge (ARM DeletedVaultPurge): refused while purge protection holds. */
  async purgeDeletedVault(name: string, tenantId: string): Promise<Result<null>> {
    const deleted = this.repo.deletedVault(name.toLowerCase());
    if (deleted === null || deleted.tenantId !== tenantId) return fail(deletedVaultNotFound(name));
    if (deleted.purgeProtection) return purgeProtected(deleted);
    return this.purge(deleted);
  }

  /** Destroys the vault's object, then frees the name; a recovery that won the race keeps both (VaultObject.purge). */
  private async purge(deleted: DeletedVault): Promise<Result<null>> {
    const purged = await purgeVaultObject(this.env, deleted);
    if (purged.ok) this.repo.releaseDeleted(deleted.name.toLowerCase());
    return purged;
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

  /** Device sign-in (docs/sign-in.md): which tenant issued a live user code (device-code-pointers.ts). */
  async pointUserCode(userCode: string, tenantId: string, expiresMs: number): Promise<boolean> {
    return pointUserCode(this.ctx.storage.kv, userCode, tenantId, expiresMs, this.clock.now());
  }

  async userCodeTenant(userCode: string): Promise<string | null> {
    return userCodeTenant(this.ctx.storage.kv, userCode, this.clock.now());
  }

  async rootKeyStatus(): Promise<RootKeyStatus> {
    return this.rootKeys.status();
  }

  /** Starts the sweep to the newest root key version; the alarm runs it, a batch at a time. */
  async startRootKeySweep(hsmKeyEncryptionKeys: boolean): Promise<RootKeyStatus> {
    const status = this.rootKeys.start(hsmKeyEncryptionKeys);
    await this.arm();
    return status;
  }

  async retireRootKey(version: number): Promise<Result<RootKeyStatus>> {
    const retired = this.rootKeys.retire(version);
    if (retired.ok) await this.arm();
    return retired;
  }

  /**
   * Write-ahead audit of a control-plane request: recorded as Pending before it runs (if this fails the
   * request is refused), completed with its outcome after. Answers the record's sequence number.
   */
  async beginAuditRecord(entry: Omit<AuditRecord, "timeMs" | "httpStatus" | "resultCode" | "durationMs">): Promise<Result<number>> {
    let seq: number;
    try {
      seq = this.ctx.storage.transactionSync(() =>
        this.audit.insert({ ...entry, timeMs: this.clock.now(), httpStatus: 0, resultCode: "Pending", durationMs: 0 }),
      );
    } catch (err) {
      console.error("control-plane audit record could not be written", err);
      return fail(auditUnavailable());
    }
    if ((await this.ctx.storage.getAlarm()) === null) await this.arm();
    return ok(seq);
  }

  /** The request has run; if its outcome cannot be stored the record stays Pending, which is what is known. */
  async completeAuditRecord(seq: number, outcome: AuditOutcome): Promise<void> {
    try {
      this.ctx.storage.transactionSync(() => this.audit.complete(seq, outcome));
    } catch (err) {
      console.error("control-plane audit outcome could not be written", err);
    }
  }

  async queryAudit(filter: AuditFilter, page: PageRequest, maxResults: number): Promise<Result<Page<AuditRecord>>> {
    // A tenant's continuation token is bound to that tenant's log, the operator's to the whole log.
    const scope = { tenantId: filter.tenantId ?? "*", vault: "", collection: "admin/auditLog", apiVersion: "" };
    try {
      const opened = await this.pageTokens.openIn({ page }, scope);
      const result = auditPage(this.audit, filter, opened.page, maxResults);
      return ok(result.next === null ? result : { ...result, next: await this.pageTokens.seal(result.next, scope) });
    } catch (err) {
      if (err instanceof VaultError) return fail(err);
      throw err;
    }
  }

  /**
   * Prunes audit records past retention, purges deleted vaults past theirs and moves holders to the newest root key,
   * a batch at a time, and re-arms while more remain. A purge that fails (the HSM bridge down, say) is logged and tried
   * again an hour later.
   */
  override async alarm(): Promise<void> {
    await this.rootKeys.runBatch();
    this.audit.pruneOlderThan(this.clock.now() - CONTROL_PLANE_AUDIT_RETENTION_MS, AUDIT_PRUNE_BATCH);
    let failed = false;
    for (const deleted of this.repo.duePurges(toUnixSeconds(this.clock.now()), PURGE_BATCH)) {
      const startedMs = this.clock.now();
      const purged = await this.purge(deleted).catch((error: unknown) => fail(new VaultError("InternalError", String(error))));
      if (!purged.ok) {
        failed = true;
        console.error(JSON.stringify({ event: "scheduled-vault-purge-failed", vault: deleted.name, reason: purged.error.message }));
      }
      this.auditScheduledPurge(deleted, purged, startedMs);
    }
    await this.arm(failed);
  }

  private auditScheduledPurge(deleted: DeletedVault, outcome: Result<null>, startedMs: number): void {
    try {
      this.ctx.storage.transactionSync(() => this.audit.insert(scheduledPurgeRecord(deleted, outcome, startedMs, this.clock.now())));
    } catch (err) {
      console.error("scheduled purge audit record could not be written", err);
    }
  }

  /** Points the alarm at the earliest of the next audit prune and the next scheduled purge, on the hour. */
  private async arm(retryLater = false): Promise<void> {
    const now = this.clock.now();
    const oldest = this.audit.oldestTimeMs();
    const purgeAt = this.repo.nextPurgeAt();
    const dues = [oldest === null ? null : oldest + CONTROL_PLANE_AUDIT_RETENTION_MS, purgeAt === null ? null : purgeAt * 1000, this.rootKeys.nextDueMs()];
    const due = Math.min(...dues.filter((d): d is number => d !== null));
    if (due === Infinity) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const floor = retryLater ? now + HOUR_MS : now;
    await this.ctx.storage.setAlarm(due <= floor ? floor : Math.ceil(due / HOUR_MS) * HOUR_MS);
  }

  private localDefault(): LocalDefaultIdentity | null {
    const raw = this.repo.setting(LOCAL_DEFAULT_IDENTITY);
    return raw === null ? null : (JSON.parse(raw) as LocalDefaultIdentity | null);
  }
}
