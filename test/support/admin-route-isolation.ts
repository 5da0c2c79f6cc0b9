import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, admin, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName } from "./fixture.ts";
import { errorCode } from "./identity.ts";
import { ADMIN_OPERATIONS, type AdminOperation } from "../../worker/wire/control-plane-operations.ts";

/**
 * The admin API's tenant isolation (docs/security.md "One path, one decision"): another tenant's admin, however the path
 * is spelled, is refused with 401 and changes nothing. Shared by the two test files that split the routes between them.
 */
const ADMIN_RESOURCE = `${ISSUER_ORIGIN}/admin`;

/** Spellings of one path that RFC 3986 §6.2.2 calls equivalent, plus the ones the attack run used. */
export function spellings(path: string): string[] {
  const hexDash = (s: string) => s.replace(/-/g, "%2D");
  return [
    path,
    path.replace("/admin/", "/%61dmin/"),
    path.replace("/tenants/", "/%74enants/"),
    path.replace("/tenants/", "/tenant%73/"),
    path.replace("/tenants/", "/%74%65%6E%61%6E%74%73/"),
    path.replace(/\/tenants\/([^/]+)/, (_m, id: string) => `/tenants/${hexDash(id)}`),
    path.replace(/\/tenants\/([^/]+)/, (_m, id: string) => `/tenants/${hexDash(id).toLowerCase()}`),
    path.replace(/\/vaults\/([^/]+)/, (_m, v: string) => `/vaults/%${v.charCodeAt(0).toString(16)}${v.slice(1)}`),
  ];
}

function concrete(template: string, tenantId: string, vault: string): string {
  return `/admin${template}`
    .replace(":tenantId", tenantId)
    .replace(":name", vault)
    .replace(":principalId", crypto.randomUUID())
    .replace(":assignmentId", crypto.randomUUID())
    .replace(":deliveryId", crypto.randomUUID())
    .replace(":roleDefinitionId", crypto.randomUUID())
    .replace(":id", "hook");
}

export const TENANT_ROUTES = Object.entries(ADMIN_OPERATIONS).filter(([, o]) => o.access === "tenant");

export async function rawAdmin(method: string, path: string, token: string): Promise<Response> {
  return SELF.fetch(`${ISSUER_ORIGIN}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(method === "GET" || method === "DELETE" ? {} : { body: JSON.stringify({ type: "servicePrincipal", tenantAdmin: true }) }),
  });
}

export async function tenantAdmin(tenantId: string): Promise<{ id: string; token: string }> {
  const principal = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
  return { id: principal.id, token: await tokenFor(principal.identityHeader as string, ADMIN_RESOURCE) };
}

export async function snapshot(tenantId: string, vault: string): Promise<unknown> {
  const read = async (path: string) => (await admin("GET", path)).json();
  return {
    tenant: await read(`/tenants/${tenantId}`),
    principals: await read(`/tenants/${tenantId}/principals`),
    vaults: await read(`/tenants/${tenantId}/vaults`),
    assignments: await read(`/tenants/${tenantId}/vaults/${vault}/roleAssignments`),
    subscriptions: await read(`/tenants/${tenantId}/vaults/${vault}/eventSubscriptions`),
    settings: await read(`/tenants/${tenantId}/vaults/${vault}/settings`),
    roleDefinitions: await read(`/tenants/${tenantId}/roleDefinitions`),
    groups: await read(`/tenants/${tenantId}/groups`),
    users: await read(`/tenants/${tenantId}/users`),
    trustedIssuers: await read(`/tenants/${tenantId}/trustedIssuers`),
    signInProviders: await read(`/tenants/${tenantId}/signInProviders`),
  };
}

/**
 * One test per route, the routes split over two files. One file of all ~80 (about 1,800 requests in one workerd isolate)
 * once failed the 64th and every later test with "Maximum call stack size exceeded": the test pool's SELF wrapper gained
 * a Proxy per request (cloudflare/workers-sdk#15092), which test/support/pool-wrapper-prototype.ts now prevents.
 */
export function describeRouteIsolation(routes: ReadonlyArray<readonly [string, AdminOperation]>): void {
  describe("another tenant's admin routes, however the path is spelled", () => {
    it.each(routes)("%s: every spelling with tenant A's admin token on tenant B is 401 and changes nothing", async (name, operation) => {
      const a = await createTenant();
      const b = await createTenant();
      const vault = uniqueVaultName("iso");
      await createVault(b, vault);
      const { token } = await tenantAdmin(a);
      const before = await snapshot(b, vault);
      for (const path of spellings(concrete(operation.path, b, vault))) {
        const response = await rawAdmin(operation.method, path, token);
        const error = await errorCode(response);
        expect({ status: error.status, code: error.code }, `${name}: ${operation.method} ${path}`).toStrictEqual({ status: 401, code: "Unauthorized" });
      }
      expect(await snapshot(b, vault)).toStrictEqual(before);
    });
  });
}
