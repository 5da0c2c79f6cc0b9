import { fetchMock, runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, setupVault, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { setVaultClock, vaultObject } from "../support/secrets.ts";
import type { EventGridJson } from "../support/webhook-receiver.ts";

failOnlyOnTrulyUnhandledRejections();

const HOOK_ORIGIN = "https://hooks.certificates.example";
const DAY_MS = 86_400_000;

/**
 * A certificate policy's EmailContacts lifetime action, moved into by the vault's clock, becomes the
 * version's CertificateNearExpiry event for the vault's subscriptions (the vault sends no mail: the event is
 * the notification), once.
 */
describe("EmailContacts lifetime action to CertificateNearExpiry event", () => {
  const received: EventGridJson[] = [];

  beforeAll(() => {
    fetchMock.activate();
    fetchMock.disableNetConnect();
    fetchMock
      .get(HOOK_ORIGIN)
      .intercept({ path: /^\/certs/, method: "POST" })
      .reply((options) => {
        received.push(...(JSON.parse(String(options.body)) as EventGridJson[]));
        return { statusCode: 200, data: "ok" };
      })
      .persist();
  });
  afterAll(() => fetchMock.deactivate());

  it("fires at the policy's lifetime percentage, for the current version, exactly once", async () => {
    const vault = uniqueVaultName("crtev");
    const { tenantId, kv } = await setupVault(vault);
    const subscription = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/eventSubscriptions/certs`, {
      url: `${HOOK_ORIGIN}/certs/${vault}`,
      eventTypes: ["Microsoft.KeyVault.CertificateNearExpiry"],
      // One day: the subscription's own window cannot be what fires at half the lifetime.
      nearExpiryDays: 1,
    });
    expect(subscription.status).toBe(201);
    const start = Date.now();
    await setVaultClock(vault, start);
    const policy = {
      x509_props: { subject: "CN=notify.example", validity_months: 12 },
      issuer: { name: "Self" },
      lifetime_actions: [{ trigger: { lifetime_percentage: 50 }, action: { action_type: "EmailContacts" } }],
    };
    expect((await kv.json("POST", "/certificates/notify/create", { policy })).status).toBe(202);
    const certificate = await kv.json<{ id: string; attributes: { nbf: number; exp: number } }>("GET", "/certificates/notify");

    const stub = vaultObject(vault);
    await setVaultClock(vault, start + 100 * DAY_MS);
    await runDurableObjectAlarm(stub);
    expect(received.filter((e) => e.subject === "notify")).toHaveLength(0);

    const halfway = (certificate.body.attributes.nbf + (certificate.body.attributes.exp - certificate.body.attributes.nbf) / 2) * 1000;
    await setVaultClock(vault, halfway + DAY_MS);
    for (let i = 0; i < 20 && received.filter((e) => e.subject === "notify").length === 0; i++) {
      await runDurableObjectAlarm(stub);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < 3; i++) await runDurableObjectAlarm(stub);
    const events = received.filter((e) => e.subject === "notify");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: "Microsoft.KeyVault.CertificateNearExpiry",
      data: { Id: certificate.body.id, ObjectType: "Certificate", ObjectName: "notify", EXP: certificate.body.attributes.exp },
    });
  });
});
