import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { OPERATOR_KEY, admin, createTenant, createVault, uniqueVaultName } from "../../support/fixture.ts";
import { errorCode } from "../../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";
import { TENANT_ROUTES, describeRouteIsolation, rawAdmin, spellings, tenantAdmin } from "../../support/admin-route-isolation.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * Found by an outside attack run (docs/security.md): a tenant admin reached another tenant's admin routes by
 * percent-encoding the path (`/admin/%74enants/{B}/…`), because authorization read the raw path and routing the decoded one.
 * The first half of the tenant routes; admin-tenant-isolation-routes.test.ts takes the rest. */
describeRouteIsolation(TENANT_ROUTES.slice(0, Math.ceil(TENANT_ROUTES.length / 2)));

describe("another tenant's admin routes, however the path is spelled", () => {
  it("the same spellings reach the admin's own tenant and the operator's routes: canonical forms are one route", async () => {
    const a = await createTenant();
    const vault = uniqueVaultName("own");
    await createVault(a, vault);
    const { token } = await tenantAdmin(a);
    for (const path of spellings(`/admin/tenants/${a}/vaults/${vault}`)) {
      expect((await rawAdmin("GET", path, token)).status, path).toBe(200);
      expect((await rawAdmin("GET", path, OPERATOR_KEY)).status, path).toBe(200);
    }
  });

  it("malformed percent-encoding is 400 BadParameter on the admin API and on a vault host", async () => {
    const a = await createTenant();
    for (const path of [`/admin/tenants/${a}%`, `/admin/tenants/${a}%2`, `/admin/%zztenants/${a}`]) {
      const error = await errorCode(await rawAdmin("GET", path, OPERATOR_KEY));
      expect({ status: error.status, code: error.code }, path).toStrictEqual({ status: 400, code: "BadParameter" });
    }
    const error = await errorCode(await SELF.fetch("https://any.vault.localhost:8443/secrets/a%g1?api-version=2025-07-01"));
    expect({ status: error.status, code: error.code }).toStrictEqual({ status: 400, code: "BadParameter" });
  });

  it("the chained attack fails at its first step: no principal is created in B, no secret is shown", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const { token } = await tenantAdmin(a);
    for (const path of spellings(`/admin/tenants/${b}/principals`)) {
      const response = await rawAdmin("POST", path, token);
      const text = await response.text();
      expect(response.status, path).toBe(401);
      expect(text).not.toContain("clientSecret");
    }
    expect(((await (await admin("GET", `/tenants/${b}/principals`)).json()) as { value: unknown[] }).value).toHaveLength(0);
  });
});

interface AuditEvent {
  operationName: string;
  resultType: string;
  identity?: { claim?: { oid?: string } };
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

describe("the control-plane audit log names the tenant and operation the route resolved to", () => {
  it("tenant B's log holds every refused attempt by A's admin, under its real operation name; none is Unknown", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const { id: attacker, token } = await tenantAdmin(a);
    const attempts: [string, string, string][] = [
      ["GET", `/admin/%74enants/${b}/principals`, "PrincipalList"],
      ["POST", `/%61dmin/tenants/${b}/principals`, "PrincipalCreate"],
      ["GET", `/admin/tenant%73/${b}/vaults`, "VaultList"],
      ["GET", `/admin/tenants/${b}/auditLog`, "ControlPlaneAuditLogQuery"],
    ];
    for (const [method, path] of attempts) expect((await rawAdmin(method, path, token)).status).toBe(401);

    const log = (await (await admin("GET", `/tenants/${b}/auditLog`)).json()) as { value: AuditEvent[] };
    const text = JSON.stringify(log.value);
    for (const [, , operation] of attempts) {
      const records = log.value.filter((r) => r.operationName === operation && JSON.stringify(r).includes(attacker));
      expect(records.length, `${operation} in ${text}`).toBeGreaterThanOrEqual(1);
    }
    expect(log.value.some((r) => r.operationName === "Unknown")).toBe(false);
    const operatorLog = (await (await admin("GET", "/auditLog")).json()) as { value: AuditEvent[] };
    const attackerRecords = operatorLog.value.filter((r) => JSON.stringify(r).includes(attacker));
    expect(attackerRecords.length).toBeGreaterThanOrEqual(attempts.length);
    expect(attackerRecords.every((r) => JSON.stringify(r).includes(b)), JSON.stringify(attackerRecords)).toBe(true);
  });
});
