import { httpsJson, type HttpsJsonResponse } from "./https-json.ts";

export interface Tenant {
  readonly id: string;
  readonly displayName: string;
  readonly created: number;
}

export interface ManagedIdentity {
  readonly id: string;
  readonly appId: string;
  readonly type: "managedIdentity";
  readonly displayName: string;
  readonly identityHeader: string;
}

export interface ServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly type: "servicePrincipal";
  readonly displayName: string;
  readonly clientSecret: string;
}

export interface Vault {
  readonly name: string;
  readonly tenantId: string;
  readonly softDeleteRetentionInDays: number;
  readonly enablePurgeProtection: boolean;
  readonly vaultUri: string;
  readonly created: number;
  readonly sku?: string;
  readonly dataKeyProtection?: string;
}

export interface RoleAssignment {
  readonly id: string;
  readonly roleDefinitionId: string;
  readonly roleDefinitionName: string;
  readonly principalId: string;
  readonly scope: string;
}

/** A response the admin API should not have given; carries the request and the reply for the error report. */
export class AdminApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url} answered ${status}: ${body.slice(0, 500) || "(empty body)"}`);
    this.name = "AdminApiError";
  }

  /** The `error.code` of an Azure-style error body, if there is one. */
  get code(): string | undefined {
    try {
      const parsed: unknown = JSON.parse(this.body);
      if (typeof parsed !== "object" || parsed === null || !("error" in parsed)) return undefined;
      const error: unknown = parsed.error;
      if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
      return typeof error.code === "string" ? error.code : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The Worker's operator API, as the dev script and the conformance tests use it. */
export class AdminClient {
  constructor(
    private readonly origin: string,
    private readonly operatorKey: string,
    private readonly ca: string,
  ) {}

  createTenant(displayName: string): Promise<Tenant> {
    return this.expect("POST", "/admin/tenants", [201], { displayName }, isTenant);
  }

  /** The tenant, or undefined when the server no longer knows it (its state was wiped). */
  getTenant(tenantId: string): Promise<Tenant | undefined> {
    return this.optional(`/admin/tenants/${encodeURIComponent(tenantId)}`, isTenant);
  }

  createManagedIdentity(tenantId: string, displayName: string): Promise<ManagedIdentity> {
    return this.expect(
      "POST",
      `/admin/tenants/${encodeURIComponent(tenantId)}/principals`,
      [201],
      { type: "managedIdentity", displayName },
      isManagedIdentity,
    );
  }

  createServicePrincipal(tenantId: string, displayName: string): Promise<ServicePrincipal> {
    return this.expect(
      "POST",
      `/admin/tenants/${encodeURIComponent(tenantId)}/principals`,
      [201],
      { type: "servicePrincipal", displayName },
      isServicePrincipal,
    );
  }

  /** `sku: "managedHSM"` makes a managed HSM, served on `{name}.managedhsm.{domain}`; refused without the HSM bridge. */
  createVault(
    tenantId: string,
    vaultName: string,
    settings: {
      softDeleteRetentionInDays: number;
      enablePurgeProtection: boolean;
      sku?: "standard" | "premium" | "managedHSM";
      dataKeyProtection?: "rootKey" | "hsm";
      /** A managed HSM's Managed HSM Administrators from the start (docs/managed-hsm.md). */
      initialAdminObjectIds?: readonly string[];
    },
  ): Promise<Vault> {
    return this.expect("PUT", vaultPath(tenantId, vaultName), [201], settings, isVault);
  }

  getVault(tenantId: string, vaultName: string): Promise<Vault | undefined> {
    return this.optional(vaultPath(tenantId, vaultName), isVault);
  }

  assignRole(
    tenantId: string,
    vaultName: string,
    assignmentId: string,
    roleDefinitionName: string,
    principalId: string,
  ): Promise<RoleAssignment> {
    return this.expect(
      "PUT",
      `${vaultPath(tenantId, vaultName)}/roleAssignments/${encodeURIComponent(assignmentId)}`,
      [200, 201],
      { roleDefinitionName, principalId },
      isRoleAssignment,
    );
  }

  /** Per-vault throttle limits (units per 10 s by bucket) and audit retention. */
  async setVaultSettings(
    tenantId: string,
    vaultName: string,
    patch: { throttleLimits?: Record<string, number> | null; auditRetentionDays?: number; cors?: unknown; networkAcls?: unknown },
  ): Promise<void> {
    await this.send("PATCH", `${vaultPath(tenantId, vaultName)}/settings`, [200], patch);
  }

  /** Soft delete: the vault is kept, not served, and its name held, until recovered or purged (docs/access-control.md). */
  async deleteVault(tenantId: string, vaultName: string): Promise<void> {
    await this.send("DELETE", vaultPath(tenantId, vaultName), [204]);
  }

  /** ARM's createMode "recover": the deleted vault serves again with everything it held. */
  recoverVault(tenantId: string, vaultName: string): Promise<Vault> {
    return this.expect("PUT", vaultPath(tenantId, vaultName), [200], { createMode: "recover" }, isVault);
  }

  /** Destroys a deleted vault for good and frees its name; refused (403) under purge protection. */
  async purgeDeletedVault(tenantId: string, vaultName: string): Promise<void> {
    await this.send("POST", `/admin/tenants/${encodeURIComponent(tenantId)}/deletedVaults/${encodeURIComponent(vaultName)}/purge`, [200]);
  }

  async setLocalDefaultIdentity(tenantId: string, principalId: string): Promise<void> {
    await this.send("PUT", "/admin/local-default-identity", [200, 201, 204], { tenantId, principalId });
  }

  private async optional<T>(path: string, guard: (value: unknown) => value is T): Promise<T | undefined> {
    const response = await this.send("GET", path, [200, 404]);
    if (response.status === 404) return undefined;
    return this.shaped("GET", path, response, guard);
  }

  private async expect<T>(
    method: string,
    path: string,
    statuses: readonly number[],
    body: unknown,
    guard: (value: unknown) => value is T,
  ): Promise<T> {
    return this.shaped(method, path, await this.send(method, path, statuses, body), guard);
  }

  private shaped<T>(method: string, path: string, response: HttpsJsonResponse, guard: (value: unknown) => value is T): T {
    if (!guard(response.json)) {
      throw new AdminApiError(method, `${this.origin}${path}`, response.status, `unexpected body shape: ${response.text}`);
    }
    return response.json;
  }

  private async send(method: string, path: string, statuses: readonly number[], body?: unknown): Promise<HttpsJsonResponse> {
    const url = `${this.origin}${path}`;
    const response = await httpsJson({
      url,
      method,
      ca: this.ca,
      headers: { authorization: `Bearer ${this.operatorKey}` },
      body,
    });
    if (!statuses.includes(response.status)) throw new AdminApiError(method, url, response.status, response.text);
    return response;
  }
}

function vaultPath(tenantId: string, vaultName: string): string {
  return `/admin/tenants/${encodeURIComponent(tenantId)}/vaults/${encodeURIComponent(vaultName)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasStrings(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return keys.every((key) => typeof value[key] === "string");
}

function isTenant(value: unknown): value is Tenant {
  return isRecord(value) && hasStrings(value, ["id", "displayName"]) && typeof value.created === "number";
}

function isManagedIdentity(value: unknown): value is ManagedIdentity {
  return (
    isRecord(value) &&
    value.type === "managedIdentity" &&
    hasStrings(value, ["id", "appId", "displayName", "identityHeader"])
  );
}

function isServicePrincipal(value: unknown): value is ServicePrincipal {
  return (
    isRecord(value) &&
    value.type === "servicePrincipal" &&
    hasStrings(value, ["id", "appId", "displayName", "clientSecret"])
  );
}

function isVault(value: unknown): value is Vault {
  return (
    isRecord(value) &&
    hasStrings(value, ["name", "tenantId", "vaultUri"]) &&
    typeof value.softDeleteRetentionInDays === "number" &&
    typeof value.enablePurgeProtection === "boolean" &&
    typeof value.created === "number"
  );
}

function isRoleAssignment(value: unknown): value is RoleAssignment {
  return isRecord(value) && hasStrings(value, ["id", "roleDefinitionId", "roleDefinitionName", "principalId", "scope"]);
}
