import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { unwrap } from "../clients/unwrap.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { DAY_SECONDS, endpointBaseUrl, type EventSubscription } from "../../core/domain/events/event-subscription.ts";
import type { Result } from "../../core/errors/result.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { eventTopic } from "../../core/domain/events/vault-event.ts";
import { privateTargetsAllowed } from "../../core/domain/events/webhook-target.ts";
import type { EventAdminKind, EventAdminOpOf, EventAdminResults } from "../../core/contract/events.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { assertSubscriptionId, parseDeliveryStatus, parseEventSubscriptionInput, parseTop } from "../wire/event-subscription-input.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { UUID } from "../wire/oauth.ts";
import { requireVault } from "./admin-vaults.ts";

/**
 * Control plane: a vault's event subscriptions (webhooks) and their deliveries. Mounted under /admin,
 * behind adminAuth: the operator, or an admin of the tenant in the path.
 */
export const adminEventSubscriptionRoutes = new Hono<AppEnv>({ strict: false });

/** One control-plane RPC, typed per operation (RPC stubs do not carry the method's generic). */
async function manageEvents<K extends EventAdminKind>(env: Env, vault: VaultConfig, op: EventAdminOpOf<K>): Promise<EventAdminResults[K]> {
  return unwrap((await vaultStub(env, vault).manageEvents(op)) as Result<EventAdminResults[K]>);
}

/**
 * The full URL is write-only, as Event Grid returns only `endpointBaseUrl`: its query may carry the
 * receiver's own credential.
 */
const subscriptionJson = (vault: VaultConfig, s: EventSubscription) => ({
  id: s.id,
  endpointBaseUrl: endpointBaseUrl(s.url),
  eventTypes: s.eventTypes,
  subjectBeginsWith: s.subjectBeginsWith,
  nearExpiryDays: s.nearExpirySeconds / DAY_SECONDS,
  schema: s.schema,
  maxDeliveryAttempts: s.maxDeliveryAttempts,
  topic: eventTopic({ tenantId: vault.tenantId, vaultName: vault.name }),
  created: s.created,
});

function assertDeliveryId(id: string): string {
  const lower = id.toLowerCase();
  if (!UUID.test(lower)) throw badParameter("The delivery id must be a GUID.");
  return lower;
}

/** Creates (201, with the signing secret, shown this once) or replaces the settings of an existing subscription (200). */
adminRoute(adminEventSubscriptionRoutes, "EventSubscriptionPut", async (c) => {
  const id = assertSubscriptionId(c.req.param("id"));
  const vault = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const settings = parseEventSubscriptionInput(await readJsonObject(c), { allowPrivateTargets: privateTargetsAllowed(c.env) });
  const result = await manageEvents(c.env, vault, { kind: "subscription.put", id, settings });
  const body = subscriptionJson(vault, result.subscription);
  return result.created ? c.json({ ...body, signingSecret: result.signingSecret }, 201) : c.json(body, 200);
});

adminRoute(adminEventSubscriptionRoutes, "EventSubscriptionList", async (c) => {
  const vault = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const subscriptions = await manageEvents(c.env, vault, { kind: "subscription.list" });
  return c.json({ value: subscriptions.map((s) => subscriptionJson(vault, s)) });
});

adminRoute(adminEventSubscriptionRoutes, "EventSubscriptionGet", async (c) => {
  const id = assertSubscriptionId(c.req.param("id"));
  const vault = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  return c.json(subscriptionJson(vault, await manageEvents(c.env, vault, { kind: "subscription.get", id })));
});

adminRoute(adminEventSubscriptionRoutes, "EventSubscriptionDelete", async (c) => {
  const id = assertSubscriptionId(c.req.param("id"));
  const vault = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  await manageEvents(c.env, vault, { kind: "subscription.delete", id });
  return c.body(null, 204);
});

/** `?status=pending|delivered|deadLettered` and `?$top=` (default 100); newest first. */
adminRoute(adminEventSubscriptionRoutes, "EventDeliveryList", async (c) => {
  const id = assertSubscriptionId(c.req.param("id"));
  const status = parseDeliveryStatus(c.req.query("status"));
  const top = parseTop(c.req.query("$top"));
  const vault = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const op = { kind: "delivery.list", subscriptionId: id, top, ...(status === undefined ? {} : { status }) } as const;
  return c.json({ value: await manageEvents(c.env, vault, op) });
});

/** Sends a dead-lettered delivery again from attempt one (409 for any other state). */
adminRoute(adminEventSubscriptionRoutes, "EventRedeliver", async (c) => {
  const id = assertSubscriptionId(c.req.param("id"));
  const deliveryId = assertDeliveryId(c.req.param("deliveryId"));
  const vault = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  return c.json(await manageEvents(c.env, vault, { kind: "delivery.redeliver", subscriptionId: id, deliveryId }));
});
