import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { pushToVaults } from "../clients/policy-push.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { assertAssignmentName, policyAssignmentInput } from "../../core/domain/policy/policy-assignment-input.ts";
import type { PolicyState } from "../../core/contract/vault-policies.ts";
import { vaultUri } from "../../core/domain/vault/vault-host.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { policyAssignmentJson, policyStateJson } from "../wire/policy-assignment-json.ts";
import { requireTenant } from "./admin-tenants.ts";
import { requireVault } from "./admin-vaults.ts";

/**
 * Vault policies (issue 17; docs/vault-policies.md): Azure Policy assignments of the built-in Key Vault definitions
 * at a tenant (every vault of it) or at one vault, and a vault's compliance report. A tenant's assignment is pushed to
 * each of its vaults when set or removed, as a principal's deletion reaches every vault, so a vault checks writes
 * without calling the tenant; a vault made later takes the tenant's list at creation (admin-vaults.ts).
 */
export const adminPolicyAssignmentRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminPolicyAssignmentRoutes, "TenantPolicyAssignmentList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const list = unwrap(await tenantStub(c.env, tenantId).managePolicies({ kind: "list" })) as PolicyAssignment[];
  return c.json({ value: list.map((a) => policyAssignmentJson(a, tenantId, "")) });
});

adminRoute(adminPolicyAssignmentRoutes, "TenantPolicyAssignmentPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const assignment = policyAssignmentInput("tenant", c.req.param("assignmentName"), await readJsonObject(c), toUnixSeconds(Date.now()));
  const put = unwrap(await tenantStub(c.env, tenantId).managePolicies({ kind: "put", assignment })) as { assignment: PolicyAssignment; vaults: string[] };
  await pushToVaults(c.env, tenantId, put.vaults, { kind: "put", assignment: put.assignment });
  return c.json(policyAssignmentJson(put.assignment, tenantId, ""), 201);
});

adminRoute(adminPolicyAssignmentRoutes, "TenantPolicyAssignmentGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertAssignmentName(c.req.param("assignmentName"));
  const found = unwrap(await tenantStub(c.env, tenantId).managePolicies({ kind: "get", name })) as PolicyAssignment;
  return c.json(policyAssignmentJson(found, tenantId, ""));
});

/**
 * Azure: 200 with the deleted assignment, 204 when there was none. The removal is pushed to every vault either way, so
 * repeating a DELETE also clears a copy a vault may still hold (a vault made while it was being removed).
 */
adminRoute(adminPolicyAssignmentRoutes, "TenantPolicyAssignmentDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertAssignmentName(c.req.param("assignmentName"));
  const tenant = tenantStub(c.env, tenantId);
  const found = await tenant.managePolicies({ kind: "get", name });
  if (found.ok) unwrap(await tenant.managePolicies({ kind: "delete", name }));
  await pushToVaults(c.env, tenantId, await tenant.listVaults(), { kind: "delete", scope: "tenant", name });
  return found.ok ? c.json(policyAssignmentJson(found.value as PolicyAssignment, tenantId, "")) : c.body(null, 204);
});

adminRoute(adminPolicyAssignmentRoutes, "PolicyAssignmentList", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const list = unwrap(await vaultStub(c.env, config).managePolicies({ kind: "list", scope: "vault" })) as PolicyAssignment[];
  return c.json({ value: list.map((a) => policyAssignmentJson(a, config.tenantId, config.name)) });
});

adminRoute(adminPolicyAssignmentRoutes, "PolicyAssignmentPut", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const assignment = policyAssignmentInput("vault", c.req.param("assignmentName"), await readJsonObject(c), toUnixSeconds(Date.now()));
  const put = unwrap(await vaultStub(c.env, config).managePolicies({ kind: "put", assignment })) as PolicyAssignment;
  return c.json(policyAssignmentJson(put, config.tenantId, config.name), 201);
});

adminRoute(adminPolicyAssignmentRoutes, "PolicyAssignmentGet", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const name = assertAssignmentName(c.req.param("assignmentName"));
  const found = unwrap(await vaultStub(c.env, config).managePolicies({ kind: "get", scope: "vault", name })) as PolicyAssignment;
  return c.json(policyAssignmentJson(found, config.tenantId, config.name));
});

adminRoute(adminPolicyAssignmentRoutes, "PolicyAssignmentDelete", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const name = assertAssignmentName(c.req.param("assignmentName"));
  const vault = vaultStub(c.env, config);
  const found = await vault.managePolicies({ kind: "get", scope: "vault", name });
  if (!found.ok) return c.body(null, 204);
  unwrap(await vault.managePolicies({ kind: "delete", scope: "vault", name }));
  return c.json(policyAssignmentJson(found.value as PolicyAssignment, config.tenantId, config.name));
});

/**
 * The compliance report: every live object's latest version (and the vault's firewall) judged now against the
 * vault's effective assignments, its own and its tenant's; one row per object and assignment it does not comply with.
 */
adminRoute(adminPolicyAssignmentRoutes, "PolicyStatesList", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const report = unwrap(await vaultStub(c.env, config).managePolicies({ kind: "states" })) as { evaluatedAt: number; states: PolicyState[] };
  const uri = vaultUri(c.env.ISSUER_ORIGIN, config.name, config.sku);
  return c.json({ value: report.states.map((s) => policyStateJson(s, report.evaluatedAt, uri, config.tenantId, config.name)) });
});
