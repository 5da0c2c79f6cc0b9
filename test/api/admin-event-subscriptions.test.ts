import { createExecutionContext, env, fetchMock, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { ISSUER_ORIGIN, OPERATOR_KEY, admin, assignRole, createPrincipal, createTenant, createVault, setupVault, tokenFor, uniqueVaultName } from "../support/fixture.ts";
import { errorCode } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { nodeVerifies, type EventGridJson, type ReceivedDelivery } from "../support/webhook-receiver.ts";

failOnlyOnTrulyUnhandledRejections();

interface SubscriptionJson {
  id: string;
  endpointBaseUrl: string;
  eventTypes: string[];
  subjectBeginsWith: string | null;
  nearExpiryDays: number;
  schema: string;
  maxDeliveryAttempts: number;
  topic: string;
  created: number;
  signingSecret?: string;
}

const HOOK_ORIGIN = "https://hooks.receiver.example";
const subscriptionsPath = (tenantId: string, vault: string) => `/tenants/${tenantId}/vaults/${vault}/eventSubscriptions`;

async function newVault(prefix = "evapi"): Promise<{ tenantId: string; vault: string; base: string }> {
  const tenantId = await createTenant();
  const vault = uniqueVaultName(prefix);
  await createVault(tenantId, vault);
  return { tenantId, vault, base: subscriptionsPath(tenantId, vault) };
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return (text === "" ? null : JSON.parse(text)) as T;
}

async function expectBadParameter(response: Response, message?: string): Promise<void> {
  const error = await errorCode(response);
  expect([error.status, error.code], error.message).toStrictEqual([400, "BadParameter"]);
  if (message !== undefined) expect(error.message).toContain(message);
}

describe("event subscriptions API", () => {
  it("creates a subscription with defaults and shows the signing secret only once", async () => {
    const { tenantId, vault, base } = await newVault();
    const created = await json<SubscriptionJson>(await admin("PUT", `${base}/My-Hook`, { url: `${HOOK_ORIGIN}/vault?code=s3cr3t` }), 201);
    expect(created).toStrictEqual({
      id: "my-hook",
      endpointBaseUrl: `${HOOK_ORIGIN}/vault`,
      eventTypes: expect.arrayContaining(["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.VaultAccessPolicyChanged"]),
      subjectBeginsWith: null,
      nearExpiryDays: 30,
      schema: "EventGridSchema",
      maxDeliveryAttempts: 8,
      topic: `/tenants/${tenantId}/providers/Microsoft.KeyVault/vaults/${vault}`,
      created: expect.any(Number),
      signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    expect(created.eventTypes).toHaveLength(10);

    const got = await json<SubscriptionJson>(await admin("GET", `${base}/my-hook`), 200);
    const { signingSecret: _shownOnce, ...withoutSecret } = created;
    expect(got).toStrictEqual(withoutSecret);
    expect("signingSecret" in got).toBe(false);
    expect(JSON.stringify(got)).not.toContain("s3cr3t");
    expect(await json(await admin("GET", base), 200)).toStrictEqual({ value: [got] });
  });

  it("replaces an existing subscription's settings with 200 and keeps its secret hidden", async () => {
    const { base } = await newVault();
    const { signingSecret: _shownOnce, ...first } = await json<SubscriptionJson>(await admin("PUT", `${base}/hook`, { url: `${HOOK_ORIGIN}/a` }), 201);
    const replaced = await json<SubscriptionJson>(
      await admin("PUT", `${base}/hook`, {
        url: `${HOOK_ORIGIN}/b`,
        eventTypes: ["microsoft.keyvault.secretexpired"],
        subjectBeginsWith: "prod-",
        nearExpiryDays: 7,
        schema: "CloudEventSchemaV1_0",
        maxDeliveryAttempts: 3,
      }),
      200,
    );
    expect(replaced).toStrictEqual({
      ...first,
      endpointBaseUrl: `${HOOK_ORIGIN}/b`,
      eventTypes: ["Microsoft.KeyVault.SecretExpired"],
      subjectBeginsWith: "prod-",
      nearExpiryDays: 7,
      schema: "CloudEventSchemaV1_0",
      maxDeliveryAttempts: 3,
    });
    expect("signingSecret" in replaced).toBe(false);
  });

  it("deletes a subscription; afterwards it, its deliveries and a second delete are 404 NotFound", async () => {
    const { base } = await newVault();
    await json(await admin("PUT", `${base}/hook`, { url: `${HOOK_ORIGIN}/a` }), 201);
    expect(await json(await admin("GET", `${base}/hook/deliveries`), 200)).toStrictEqual({ value: [] });
    expect((await admin("DELETE", `${base}/hook`)).status).toBe(204);
    for (const [method, path] of [
      ["GET", `${base}/hook`],
      ["DELETE", `${base}/hook`],
      ["GET", `${base}/hook/deliveries`],
      ["POST", `${base}/hook/deliveries/${crypto.randomUUID()}/redeliver`],
    ] as const) {
      const error = await errorCode(await admin(method, path));
      expect([error.status, error.code], `${method} ${path}`).toStrictEqual([404, "NotFound"]);
    }
    expect(await json(await admin("GET", base), 200)).toStrictEqual({ value: [] });
  });

  it.each([
    [{ url: "http://hooks.receiver.example/x" }, "https"],
    [{ url: "https://user:pw@hooks.receiver.example/x" }, "credentials"],
    [{ url: "not-a-url" }, "url"],
    [{}, "url"],
    [{ url: `${HOOK_ORIGIN}/x`, eventTypes: ["Microsoft.KeyVault.SecretDeleted"] }, "Unknown event type"],
    [{ url: `${HOOK_ORIGIN}/x`, eventTypes: [] }, "eventTypes"],
    [{ url: `${HOOK_ORIGIN}/x`, nearExpiryDays: 0 }, "nearExpiryDays"],
    [{ url: `${HOOK_ORIGIN}/x`, maxDeliveryAttempts: 100 }, "maxDeliveryAttempts"],
    [{ url: `${HOOK_ORIGIN}/x`, schema: "CustomInputSchema" }, "schema"],
  ])("refuses %j with 400 BadParameter and stores nothing", async (body, message) => {
    const { base } = await newVault();
    await expectBadParameter(await admin("PUT", `${base}/hook`, body), message);
    expect(await json(await admin("GET", base), 200)).toStrictEqual({ value: [] });
  });

  it("refuses bad names, bodies and queries with 400 BadParameter", async () => {
    const { base } = await newVault();
    await expectBadParameter(await admin("PUT", `${base}/a_b`, { url: `${HOOK_ORIGIN}/x` }), "name");
    await expectBadParameter(await admin("PUT", `${base}/${"x".repeat(65)}`, { url: `${HOOK_ORIGIN}/x` }));
    await expectBadParameter(await admin("PUT", `${base}/hook`, [1, 2]));
    await json(await admin("PUT", `${base}/hook`, { url: `${HOOK_ORIGIN}/x` }), 201);
    await expectBadParameter(await admin("GET", `${base}/hook/deliveries?status=failed`), "status");
    await expectBadParameter(await admin("GET", `${base}/hook/deliveries?$top=0`), "$top");
    await expectBadParameter(await admin("POST", `${base}/hook/deliveries/not-a-guid/redeliver`), "GUID");
  });

  it("answers for another tenant's vault, or a missing one, as not found; a foreign tenant admin is refused", async () => {
    const { base } = await newVault();
    const other = await createTenant();
    const missing = await errorCode(await admin("GET", subscriptionsPath(other, uniqueVaultName("nope"))));
    expect([missing.status, missing.code]).toStrictEqual([404, "VaultNotFound"]);
    const { vault } = await newVault();
    const foreign = await errorCode(await admin("GET", subscriptionsPath(other, vault)));
    expect([foreign.status, foreign.code]).toStrictEqual([404, "VaultNotFound"]);

    const outsider = await createPrincipal(other, "managedIdentity", { tenantAdmin: true });
    const token = await tokenFor(outsider.identityHeader as string, `${ISSUER_ORIGIN}/admin`);
    expect((await admin("GET", base, undefined, token)).status).toBe(401);
  });

  it("lets a tenant admin manage its own vault's subscriptions", async () => {
    const { tenantId, base } = await newVault();
    const principal = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
    const token = await tokenFor(principal.identityHeader as string, `${ISSUER_ORIGIN}/admin`);
    await json(await admin("PUT", `${base}/mine`, { url: `${HOOK_ORIGIN}/x` }, token), 201);
    expect((await json<{ value: unknown[] }>(await admin("GET", base, undefined, token), 200)).value).toHaveLength(1);
  });
});

/**
 * The Worker as deployed: this runtime's bindings with local development off. vitest.config.ts sets
 * LOCAL_IMDS=true for the whole run, and the pool has one set of bindings, so the policy is switched off
 * by handing the Worker's own fetch handler a changed env (the real routes, Durable Objects and storage).
 */
async function adminOutsideDevelopment(method: string, path: string, body?: unknown): Promise<Response> {
  const deployed: Env = { ...env, LOCAL_IMDS: "false", WEBHOOK_ALLOW_PRIVATE_TARGETS: "false" };
  const request = new Request(`${ISSUER_ORIGIN}/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${OPERATOR_KEY}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, deployed, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("webhook targets outside local development", () => {
  it.each([
    ["https://10.0.0.5/", "10.0.0.5 is private-use (RFC 1918)"],
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local (RFC 3927)"],
    ["https://127.0.0.1:8450/", "127.0.0.1 is loopback"],
    ["http://127.0.0.1:8787/hook", "127.0.0.1 is loopback"],
    ["https://0x7f.1/", "127.0.0.1 is loopback"],
    ["https://2130706433/", "127.0.0.1 is loopback"],
    ["https://127.1/", "127.0.0.1 is loopback"],
    ["https://100.64.0.1/", "CGNAT"],
    ["https://172.20.1.1/", "private-use"],
    ["https://192.168.0.10/", "private-use"],
    ["https://[::1]:8450/", "[::1] is loopback"],
    ["https://[::ffff:10.0.0.5]/", "[::ffff:a00:5] is IPv4-mapped"],
    ["https://[::ffff:a00:5]/", "for 10.0.0.5, private-use"],
    ["https://[64:ff9b::a9fe:a9fe]/", "NAT64 (RFC 6052 §2.1) for 169.254.169.254"],
    ["https://[2002:a00:5::1]/", "6to4 (RFC 3056 §2) for 10.0.0.5"],
    ["https://[fd00::5]/", "unique-local"],
    ["https://[fe80::1]/", "link-local"],
    ["https://localhost:8443/", "single-label"],
    ["https://devhsm.managedhsm.localhost:8443/", ".localhost"],
    ["https://metadata.google.internal/", ".internal"],
    ["https://printer.local/", ".local"],
    ["https://nas.home.arpa/", ".home.arpa"],
    ["https://intranet/", "single-label"],
  ])("refuses %s with 400 BadParameter and stores nothing", async (url, reason) => {
    const { base } = await newVault();
    const error = await errorCode(await adminOutsideDevelopment("PUT", `${base}/inside`, { url }));
    expect([error.status, error.code], error.message).toStrictEqual([400, "BadParameter"]);
    expect(error.message).toContain("must not point into a private, link-local, loopback or unique-local network");
    expect(error.message).toContain(reason);
    expect(await json(await admin("GET", base), 200)).toStrictEqual({ value: [] });
  });

  it("accepts public names and addresses; in local development (this runtime) an internal target is accepted", async () => {
    const { base } = await newVault();
    await json(await adminOutsideDevelopment("PUT", `${base}/public-name`, { url: `${HOOK_ORIGIN}/x` }), 201);
    await json(await adminOutsideDevelopment("PUT", `${base}/public-ip`, { url: "https://93.184.215.14/x" }), 201);
    await json(await admin("PUT", `${base}/dev-bridge`, { url: "https://127.0.0.1:8450/" }), 201);
    const ids = (await json<{ value: SubscriptionJson[] }>(await admin("GET", base), 200)).value.map((s) => s.id);
    expect(ids.sort()).toStrictEqual(["dev-bridge", "public-ip", "public-name"]);
  });
});

describe("delivery through the vault's alarm", () => {
  const received: ReceivedDelivery[] = [];

  beforeAll(() => {
    fetchMock.activate();
    fetchMock.disableNetConnect();
    // The local receiver: records what the vault object's own fetch posts (fetchMock intercepts the
    // outbound fetch of the main worker, Durable Objects included).
    fetchMock
      .get(HOOK_ORIGIN)
      .intercept({ path: /^\/vault/, method: "POST" })
      .reply((options) => {
        const headers = new Headers(options.headers as Record<string, string>);
        received.push({ url: `${HOOK_ORIGIN}${options.path}`, headers, body: String(options.body) });
        return { statusCode: 200, data: "ok" };
      })
      .persist();
  });
  afterAll(() => fetchMock.deactivate());

  async function waitForDeliveries(vault: string, count: number): Promise<void> {
    const stub = env.VAULT.get(env.VAULT.idFromName(vault));
    for (let i = 0; i < 100 && received.length < count; i++) {
      await runDurableObjectAlarm(stub);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("posts a signed SecretNewVersionCreated and VaultAccessPolicyChanged, listed as delivered", async () => {
    const vault = uniqueVaultName("evflow");
    const { tenantId, kv } = await setupVault(vault);
    const base = subscriptionsPath(tenantId, vault);
    const created = await json<SubscriptionJson>(
      await admin("PUT", `${base}/flow`, {
        url: `${HOOK_ORIGIN}/vault/${vault}`,
        eventTypes: ["Microsoft.KeyVault.SecretNewVersionCreated", "Microsoft.KeyVault.VaultAccessPolicyChanged"],
      }),
      201,
    );
    const set = await kv.json<{ id: string }>("PUT", "/secrets/Api-Token", { value: "v1" });
    expect(set.status).toBe(200);
    await waitForDeliveries(vault, 1);
    const principal = await createPrincipal(tenantId);
    await assignRole(tenantId, vault, principal.id, "Key Vault Secrets User");
    await waitForDeliveries(vault, 2);

    const mine = received.filter((r) => r.url.endsWith(`/vault/${vault}`));
    expect(mine).toHaveLength(2);
    for (const delivery of mine) expect(nodeVerifies(created.signingSecret as string, delivery)).toBe(true);
    const events = mine.flatMap((r) => JSON.parse(r.body) as EventGridJson[]);
    expect(events.map((e) => e.eventType)).toStrictEqual([
      "Microsoft.KeyVault.SecretNewVersionCreated",
      "Microsoft.KeyVault.VaultAccessPolicyChanged",
    ]);
    expect(events[0]).toMatchObject({
      subject: "Api-Token",
      topic: `/tenants/${tenantId}/providers/Microsoft.KeyVault/vaults/${vault}`,
      data: { Id: set.body.id, VaultName: vault, ObjectType: "Secret", ObjectName: "Api-Token" },
    });
    expect(events[1]).toMatchObject({ subject: vault, data: { ObjectType: "Vault", Id: `https://${vault}.vault.localhost:8443` } });

    const listed = await json<{ value: { status: string; eventType: string }[] }>(await admin("GET", `${base}/flow/deliveries?status=delivered`), 200);
    expect(listed.value.map((d) => d.eventType).sort()).toStrictEqual([
      "Microsoft.KeyVault.SecretNewVersionCreated",
      "Microsoft.KeyVault.VaultAccessPolicyChanged",
    ]);
    expect(await json(await admin("GET", `${base}/flow/deliveries?status=deadLettered`), 200)).toStrictEqual({ value: [] });
  });
});
