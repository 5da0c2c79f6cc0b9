import { Hono } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { adminApi, itemsOf } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";
import { Field, Table, when } from "./views/table.tsx";

/** A vault's event subscriptions (webhooks), each one's recent deliveries, and redelivery — over the admin API. */
export const eventRoutes = new Hono<PortalEnv>({ strict: false });

interface Subscription {
  id: string;
  endpointBaseUrl: string;
  eventTypes: string[];
  subjectBeginsWith?: string | null;
  schema: string;
}

interface Delivery {
  id: string;
  eventType: string;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  created: number;
}

const SUBSCRIPTION_NAME = /^[A-Za-z0-9-]{3,64}$/;

eventRoutes.get("/t/:tenant/vaults/:vault/events", async (c) => {
  const { tenant, vault } = c.req.param();
  const path = `/tenants/${tenant}/vaults/${vault}/eventSubscriptions`;
  const answer = await adminApi(c, "GET", path);
  const subscriptions = itemsOf<Subscription>(answer);
  const deliveries = await Promise.all(subscriptions.map((s) => adminApi(c, "GET", `${path}/${s.id}/deliveries?$top=20`)));
  const csrf = c.get("csrfToken");
  const here = `/portal/t/${tenant}/vaults/${vault}/events`;
  return page(
    c,
    `Events of ${vault}`,
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      <Table
        caption="Subscriptions"
        head={["Name", "Endpoint", "Event types", "Subject prefix", "Schema"]}
        rows={subscriptions.map((s) => [s.id, <code>{s.endpointBaseUrl}</code>, s.eventTypes.join(", ") || "all", s.subjectBeginsWith ?? "", s.schema])}
      />
      {subscriptions.map((s, i) => (
        <Table
          caption={`Recent deliveries of ${s.id}`}
          head={["Event", "Subject", "Status", "Attempts", "Last error", "Created", ""]}
          rows={itemsOf<Delivery>(deliveries[i] ?? answer).map((d) => [
            d.eventType,
            d.subject,
            d.status,
            String(d.attempts),
            d.lastError ?? "",
            when(d.created),
            <form method="post" action={`${here}/redeliver`} class="inline">
              <input type="hidden" name="subscription" value={s.id} />
              <input type="hidden" name="delivery" value={d.id} />
              <Csrf token={csrf} />
              <button type="submit" class="secondary">Redeliver</button>
            </form>,
          ])}
        />
      ))}
      <form method="post" action={here}>
        <fieldset>
          <legend>New subscription</legend>
          <Field label="Name" name="name" required hint="3–64 letters, digits and dashes." />
          <Field label="Webhook URL (https)" name="url" type="url" required />
          <Field label="Event types (comma-separated; empty for all)" name="eventTypes" placeholder="Microsoft.KeyVault.SecretNewVersionCreated" />
          <Field label="Subject begins with" name="subjectBeginsWith" />
          <Csrf token={csrf} />
          <button type="submit">Subscribe</button>
        </fieldset>
      </form>
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

eventRoutes.post("/t/:tenant/vaults/:vault/events", async (c) => {
  const { tenant, vault } = c.req.param();
  const form = await formOf(c);
  const here = `/portal/t/${tenant}/vaults/${vault}/events`;
  if (!SUBSCRIPTION_NAME.test(form.name ?? "")) return redirectWith(c, here, "error", "The subscription name must be 3–64 letters, digits and dashes.");
  const eventTypes = (form.eventTypes ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
  const body = { url: form.url, ...(eventTypes.length === 0 ? {} : { eventTypes }), ...(form.subjectBeginsWith ? { subjectBeginsWith: form.subjectBeginsWith } : {}) };
  const answer = await adminApi(c, "PUT", `/tenants/${tenant}/vaults/${vault}/eventSubscriptions/${form.name}`, body);
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? `Subscription ${form.name} saved.` : answer.message);
});

eventRoutes.post("/t/:tenant/vaults/:vault/events/redeliver", async (c) => {
  const { tenant, vault } = c.req.param();
  const form = await formOf(c);
  const here = `/portal/t/${tenant}/vaults/${vault}/events`;
  if (!SUBSCRIPTION_NAME.test(form.subscription ?? "") || !/^[A-Za-z0-9-]{1,64}$/.test(form.delivery ?? "")) return redirectWith(c, here, "error", "Unknown delivery.");
  const answer = await adminApi(c, "POST", `/tenants/${tenant}/vaults/${vault}/eventSubscriptions/${form.subscription}/deliveries/${form.delivery}/redeliver`);
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? "Queued for redelivery." : answer.message);
});
