/**
 * Switching a vault's permission model (`enableRbacAuthorization`, issue 17; docs/access-control.md "Access policies")
 * is a control-plane change: it raises VaultAccessPolicyChanged to the vault's event subscriptions, as a role
 * assignment does, and the control plane audits it. A refused switch raises nothing and is audited as refused.
 */
import { env, fetchMock, runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, setupVault, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import type { EventGridJson, ReceivedDelivery } from "../support/webhook-receiver.ts";

failOnlyOnTrulyUnhandledRejections();

const HOOK_ORIGIN = "https://model-hooks.receiver.example";
const received: ReceivedDelivery[] = [];

async function deliveriesFor(vault: string, count: number): Promise<EventGridJson[]> {
  const stub = env.VAULT.get(env.VAULT.idFromName(vault));
  const mine = () => received.filter((r) => r.url.endsWith(`/${vault}`));
  for (let i = 0; i < 100 && mine().length < count; i++) {
    await runDurableObjectAlarm(stub);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return mine().flatMap((r) => JSON.parse(r.body) as EventGridJson[]);
}

describe("switching the access model", () => {
  beforeAll(() => {
    fetchMock.activate();
    fetchMock.disableNetConnect();
    fetchMock
      .get(HOOK_ORIGIN)
      .intercept({ path: /^\/model\//, method: "POST" })
      .reply((options) => {
        received.push({ url: `${HOOK_ORIGIN}${options.path}`, headers: new Headers(options.headers as Record<string, string>), body: String(options.body) });
        return { statusCode: 200, data: "ok" };
      })
      .persist();
  });
  afterAll(() => fetchMock.deactivate());

  it("raises VaultAccessPolicyChanged each way and is audited on the control plane", async () => {
    const vault = uniqueVaultName("model");
    const { tenantId, principal } = await setupVault(vault);
    const subscription = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/eventSubscriptions/model`, {
      url: `${HOOK_ORIGIN}/model/${vault}`,
      eventTypes: ["Microsoft.KeyVault.VaultAccessPolicyChanged"],
    });
    expect(subscription.status).toBe(201);
    const settings = (body: unknown) => admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, body);
    const accessPolicies = [{ tenantId, objectId: principal.id, permissions: { secrets: ["get"] } }];

    // Refused: entries for another tenant. Nothing is raised by it.
    expect((await settings({ enableRbacAuthorization: false, accessPolicies: [{ ...accessPolicies[0], tenantId: crypto.randomUUID() }] })).status).toBe(400);
    expect((await settings({ enableRbacAuthorization: false, accessPolicies })).status).toBe(200);
    const first = await deliveriesFor(vault, 1);
    expect(first.map((e) => [e.eventType, e.subject])).toEqual([["Microsoft.KeyVault.VaultAccessPolicyChanged", vault]]);
    expect(first[0]).toMatchObject({ data: { ObjectType: "Vault", VaultName: vault } });

    expect((await settings({ enableRbacAuthorization: true })).status).toBe(200);
    const both = await deliveriesFor(vault, 2);
    expect(both.map((e) => e.eventType)).toEqual(["Microsoft.KeyVault.VaultAccessPolicyChanged", "Microsoft.KeyVault.VaultAccessPolicyChanged"]);
    // A settings change that is not about access raises nothing.
    expect((await settings({ auditRetentionDays: 30 })).status).toBe(200);
    expect(await deliveriesFor(vault, 3)).toHaveLength(2);

    const log = await admin("GET", `/tenants/${tenantId}/auditLog?operation=VaultSettingsPatch&maxresults=25`);
    const records = ((await log.json()) as { value: { operationName: string; httpStatusCode: number; resultCode: string; vaultName: string }[] }).value;
    expect(records.filter((r) => r.vaultName === vault).map((r) => [r.httpStatusCode, r.resultCode])).toEqual([
      // The fixture's own switch to immediate long-running operations comes first.
      [200, "Success"],
      [400, "BadParameter"],
      [200, "Success"],
      [200, "Success"],
      [200, "Success"],
    ]);
  });
});
