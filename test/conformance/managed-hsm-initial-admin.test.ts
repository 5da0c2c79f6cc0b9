/**
 * A managed HSM's first administrator (issue 15; docs/managed-hsm.md "Local RBAC"): a tenant admin who makes a managed
 * HSM through the admin API, naming no `initialAdminObjectIds`, starts as its Managed HSM Administrator — the
 * identity that created it, as Azure's initial administrators are. (The operator key is no identity: an HSM it makes
 * has the administrators its request names.) Needs the bridge, so it runs in this tier.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";

const facts = devServerFacts();
const ca = readFileSync(facts.caPath, "utf8");
const HSM_ADMINISTRATOR = "a290e904-7015-4bba-90c8-60543313cdb4";

describe("the identity that creates a managed HSM", () => {
  it("is its Managed HSM Administrator", async () => {
    const operator = { authorization: `Bearer ${facts.operatorKey}` };
    const made = await httpsJson({
      url: `${facts.origin}/admin/tenants/${facts.tenantId}/principals`,
      method: "POST",
      ca,
      headers: operator,
      body: { type: "servicePrincipal", displayName: "hsm maker", tenantAdmin: true },
    });
    expect(made.status).toBe(201);
    const principal = made.json as { id: string; appId: string; clientSecret: string };
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: principal.appId, client_secret: principal.clientSecret, scope: `${facts.origin}/admin/.default` });
    const tokenAnswer = await fetch(`${facts.origin}/${facts.tenantId}/oauth2/v2.0/token`, { method: "POST", body: form });
    const token = ((await tokenAnswer.json()) as { access_token: string }).access_token;

    const name = `made${crypto.randomUUID().slice(0, 8)}`;
    const vault = await httpsJson({
      url: `${facts.origin}/admin/tenants/${facts.tenantId}/vaults/${name}`,
      method: "PUT",
      ca,
      headers: { authorization: `Bearer ${token}` },
      body: { sku: "managedHSM" },
    });
    expect(vault.status).toBe(201);
    const assignments = await httpsJson({ url: `${facts.origin}/admin/tenants/${facts.tenantId}/vaults/${name}/roleAssignments`, ca, headers: operator });
    const held = (assignments.json as { value: { principalId: string; roleDefinitionName: string; roleDefinitionId: string }[] }).value;
    expect(held.map((a) => [a.principalId, a.roleDefinitionName])).toEqual([[principal.id, "Managed HSM Administrator"]]);
    expect(held[0]?.roleDefinitionId.endsWith(HSM_ADMINISTRATOR)).toBe(true);
    await httpsJson({ url: `${facts.origin}/admin/tenants/${facts.tenantId}/vaults/${name}`, method: "DELETE", ca, headers: operator });
  });
});
