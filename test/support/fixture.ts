import { SELF } from "cloudflare:test";

/** The values vitest.config.ts binds for the test runtime. */
export const OPERATOR_KEY = "test-operator-key-0123456789";
export const ISSUER_ORIGIN = "https://localhost:8443";
export const VAULT_RESOURCE = "https://vault.localhost:8443";
export const API_VERSION = "2025-07-01";

export async function admin(method: string, path: string, body?: unknown, key = OPERATOR_KEY): Promise<Response> {
  return SELF.fetch(`${ISSUER_ORIGIN}/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function createTenant(displayName = "tenant"): Promise<string> {
  return (await json<{ id: string }>(await admin("POST", "/tenants", { displayName }), 201)).id;
}

export interface CreatedIdentity {
  id: string;
  appId: string;
  identityHeader?: string;
  clientSecret?: string;
}

export async function createPrincipal(
  tenantId: string,
  type: "managedIdentity" | "servicePrincipal" = "managedIdentity",
  extra: Record<string, unknown> = {},
): Promise<CreatedIdentity> {
  return json(await admin("POST", `/tenants/${tenantId}/principals`, { type, displayName: type, ...extra }), 201);
}

/**
 * A vault name no other test uses: `prefix` (lower-case letters, digits and dashes, at most 20 characters) filled up
 * with random hex to Azure's 24-character limit. The Worker caches vault settings per isolate for 30 s and
 * isolatedStorage wipes Durable Objects between tests, so a name reused across tests could show a later test an
 * earlier test's tenant.
 */
export function uniqueVaultName(prefix: string): string {
  const suffix = crypto.randomUUID().replace(/-/g, "").slice(0, 24 - prefix.length);
  return `${prefix}${suffix}`;
}

export type LongRunningOperations = "azure" | "immediate";

/**
 * Creates a vault through the admin API. Its delete, recover and certificate creation complete at once (the setting
 * test loops use), so tests of other behaviour can read a deletion right after making it; tests of the long-running
 * life cycle itself ask for "azure", the default of a vault made without this fixture.
 */
export async function createVault(
  tenantId: string,
  name: string,
  options: Record<string, unknown> = {},
  longRunningOperations: LongRunningOperations = "immediate",
): Promise<void> {
  await json(await admin("PUT", `/tenants/${tenantId}/vaults/${name}`, options), 201);
  if (longRunningOperations !== "azure") {
    await json(await admin("PATCH", `/tenants/${tenantId}/vaults/${name}/settings`, { longRunningOperations }), 200);
  }
}

export async function assignRole(tenantId: string, vault: string, principalId: string, roleDefinitionName: string): Promise<void> {
  await json(
    await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, { roleDefinitionName, principalId }),
    201,
  );
}

/** A token through the App Service managed-identity endpoint, as ManagedIdentityCredential gets it. */
export async function tokenFor(identityHeader: string, resource = VAULT_RESOURCE): Promise<string> {
  const response = await SELF.fetch(`${ISSUER_ORIGIN}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`, {
    headers: { "X-IDENTITY-HEADER": identityHeader },
  });
  return (await json<{ access_token: string }>(response, 200)).access_token;
}

/** A raw data-plane client for one vault and token; paths are relative to the vault. */
export interface VaultClient {
  readonly baseUrl: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
}

/** `host`: "managedhsm" for a managed HSM, served at `{name}.managedhsm.{domain}`. */
export function vaultClient(vault: string, token: string | null, apiVersion = API_VERSION, host: "vault" | "managedhsm" = "vault"): VaultClient {
  const baseUrl = `https://${vault}.${host}.localhost:8443`;
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const sep = path.includes("?") ? "&" : "?";
    return SELF.fetch(`${baseUrl}${path}${sep}api-version=${apiVersion}`, {
      method,
      headers: {
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  };
  return {
    baseUrl,
    request,
    async json<T>(method: string, path: string, body?: unknown) {
      const response = await request(method, path, body);
      const text = await response.text();
      return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T, headers: response.headers };
    },
  };
}

export interface VaultSetup {
  tenantId: string;
  principal: CreatedIdentity;
  token: string;
  kv: VaultClient;
}

/** A tenant with one vault and a managed identity holding `role` on it. */
export async function setupVault(
  vault: string,
  role = "Key Vault Administrator",
  options: Record<string, unknown> = {},
  longRunningOperations: LongRunningOperations = "immediate",
): Promise<VaultSetup> {
  const tenantId = await createTenant();
  await createVault(tenantId, vault, options, longRunningOperations);
  const principal = await createPrincipal(tenantId);
  await assignRole(tenantId, vault, principal.id, role);
  const token = await tokenFor(principal.identityHeader as string);
  return { tenantId, principal, token, kv: vaultClient(vault, token) };
}
