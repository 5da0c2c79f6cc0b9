import { randomUUID } from "node:crypto";
import { AdminClient, AdminApiError, type ManagedIdentity } from "../scripts/dev/admin-client.ts";
import { httpsJson } from "../scripts/dev/https-json.ts";

/** The buckets the server throttles by (durable-objects/domain/throttle-limits.ts). */
export type ThrottleLimitsInput = Partial<Record<"secretCreate" | "secrets" | "keyCreate" | "keys", number>>;

/** The highest limit the server accepts (throttle-limits.ts MAX_LIMIT): high enough never to be reached here. */
const UNREACHABLE = 1_000_000;

const LIFTED: ThrottleLimitsInput = { secretCreate: UNREACHABLE, secrets: UNREACHABLE, keyCreate: UNREACHABLE, keys: UNREACHABLE };

/**
 * The operator calls of the bench, on the dev tenant, with the throwaway server's operator key: the admin API
 * of scripts/dev/admin-client.ts, plus the tenant-wide limits it has no method for.
 */
export class ThrottleAdmin {
  private readonly admin: AdminClient;

  constructor(
    private readonly origin: string,
    private readonly operatorKey: string,
    private readonly ca: string,
    readonly tenantId: string,
  ) {
    this.admin = new AdminClient(origin, operatorKey, ca);
  }

  /**
   * Azure's limits would throttle the throughput phases (SET alone is 300 per 10 s), which measure the vault,
   * not the throttle: lift the vault's and the tenant's. Admission still runs on every request, so its cost
   * stays in the figures.
   */
  async liftLimits(vault: string): Promise<void> {
    await this.admin.setVaultSettings(this.tenantId, vault, { throttleLimits: LIFTED });
    await this.setTenantLimits(LIFTED);
  }

  /** The vault's own limits only, for a vault made after the run lifted the tenant's. */
  liftVaultLimits(vault: string): Promise<void> {
    return this.setVaultLimits(vault, LIFTED);
  }

  setVaultLimits(vault: string, limits: ThrottleLimitsInput): Promise<void> {
    return this.admin.setVaultSettings(this.tenantId, vault, { throttleLimits: limits });
  }

  /** PUT /admin/tenants/{t}/throttleLimits, or DELETE (back to the defaults) when `limits` is null. */
  async setTenantLimits(limits: ThrottleLimitsInput | null): Promise<void> {
    const url = `${this.origin}/admin/tenants/${encodeURIComponent(this.tenantId)}/throttleLimits`;
    const method = limits === null ? "DELETE" : "PUT";
    const headers = { authorization: `Bearer ${this.operatorKey}` };
    const reply = await httpsJson({ url, method, ca: this.ca, headers, ...(limits === null ? {} : { body: limits }) });
    if (reply.status !== 200) throw new AdminApiError(method, url, reply.status, reply.text);
  }

  async createVault(name: string): Promise<void> {
    await this.admin.createVault(this.tenantId, name, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
  }

  /** A managed identity holding Key Vault Secrets Officer on every vault named. */
  async secretsOfficer(displayName: string, vaults: readonly string[]): Promise<ManagedIdentity> {
    const identity = await this.admin.createManagedIdentity(this.tenantId, displayName);
    for (const vault of vaults) await this.admin.assignRole(this.tenantId, vault, randomUUID(), "Key Vault Secrets Officer", identity.id);
    return identity;
  }

  /**
   * PATCH the vault's settings with {"edgeCache": true} (docs/edge-reads.md). Undefined once the answer says it is
   * on; the refusal, verbatim, while the server does not know the setting yet (400 "Unknown setting"); any other
   * answer is a failure of the run.
   */
  async enableEdgeCache(vault: string): Promise<string | undefined> {
    const url = `${this.origin}/admin/tenants/${encodeURIComponent(this.tenantId)}/vaults/${encodeURIComponent(vault)}/settings`;
    const headers = { authorization: `Bearer ${this.operatorKey}` };
    const reply = await httpsJson({ url, method: "PATCH", ca: this.ca, headers, body: { edgeCache: true } });
    if (reply.status === 400 && reply.text.includes("Unknown setting")) {
      return `PATCH …/vaults/${vault}/settings {"edgeCache":true} answered 400: ${reply.text.slice(0, 200)}`;
    }
    const on = typeof reply.json === "object" && reply.json !== null && (reply.json as { edgeCache?: unknown }).edgeCache === true;
    if (reply.status !== 200 || !on) throw new AdminApiError("PATCH", url, reply.status, reply.text);
    return undefined;
  }
}
