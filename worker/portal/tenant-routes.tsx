import { Hono } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { adminApi, itemsOf } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";
import { Field, Select, Table, when } from "./views/table.tsx";

/** Tenants (the operator's) and each tenant's vaults: create, list, deleted vaults recovered or purged. */
export const tenantRoutes = new Hono<PortalEnv>({ strict: false });

interface Vault {
  name: string;
  vaultUri?: string;
  sku?: string;
  softDeleteRetentionInDays?: number;
  enablePurgeProtection?: boolean;
  created?: number;
  deletionDate?: number;
  scheduledPurgeDate?: number;
}

tenantRoutes.get("/tenants", async (c) => {
  const answer = await adminApi(c, "GET", "/tenants");
  const tenants = itemsOf<{ id: string; displayName: string; created: number }>(answer);
  return page(
    c,
    "Tenants",
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      <Table
        caption="Tenants of this deployment"
        head={["Name", "Tenant id", "Created"]}
        rows={tenants.map((t) => [<a href={`/portal/t/${t.id}/vaults`}>{t.displayName}</a>, <code>{t.id}</code>, when(t.created)])}
      />
      <form method="post" action="/portal/tenants">
        <fieldset>
          <legend>New tenant</legend>
          <Field label="Display name" name="displayName" required />
          <Csrf token={c.get("csrfToken")} />
          <button type="submit">Create tenant</button>
        </fieldset>
      </form>
    </>,
  );
});

tenantRoutes.post("/tenants", async (c) => {
  const answer = await adminApi(c, "POST", "/tenants", { displayName: (await formOf(c)).displayName ?? "" });
  return redirectWith(c, "/portal/tenants", answer.ok ? "ok" : "error", answer.ok ? "Tenant created." : answer.message);
});

tenantRoutes.get("/t/:tenant/vaults", async (c) => {
  const tenantId = c.req.param("tenant");
  const [vaults, deleted] = await Promise.all([adminApi(c, "GET", `/tenants/${tenantId}/vaults`), adminApi(c, "GET", `/tenants/${tenantId}/deletedVaults`)]);
  const csrf = c.get("csrfToken");
  const base = `/portal/t/${tenantId}/vaults`;
  return page(
    c,
    "Vaults",
    <>
      {vaults.ok ? null : <p class="notice error" role="alert">{vaults.message}</p>}
      <Table
        caption="Vaults"
        head={["Name", "SKU", "URI", "Soft-delete days", "Purge protection"]}
        rows={itemsOf<Vault>(vaults).map((v) => [
          <a href={`${base}/${v.name}`}>{v.name}</a>,
          v.sku ?? "standard",
          <code>{v.vaultUri}</code>,
          String(v.softDeleteRetentionInDays ?? ""),
          v.enablePurgeProtection === true ? "on" : "off",
        ])}
      />
      <form method="get" action={`${base}/open`}>
        <fieldset>
          <legend>Open a vault by name</legend>
          <Field label="Vault name" name="vault" required hint="For vaults you hold a role on but cannot list (listing needs a tenant admin)." />
          <button type="submit" class="secondary">Open</button>
        </fieldset>
      </form>
      <form method="post" action={base}>
        <fieldset>
          <legend>New vault</legend>
          <Field label="Vault name" name="name" required hint="3–24 letters, digits and dashes, globally unique." />
          <Select label="SKU" name="sku" options={["standard", "premium"]} />
          <Field label="Soft-delete retention (days)" name="retention" type="number" value="90" min="7" max="90" />
          <p class="field"><label><input type="checkbox" name="purgeProtection" value="on" /> Purge protection</label></p>
          <Csrf token={csrf} />
          <button type="submit">Create vault</button>
        </fieldset>
      </form>
      <Table
        caption="Deleted vaults"
        head={["Name", "Deleted", "Purged after", "Actions"]}
        rows={itemsOf<Vault>(deleted).map((v) => [
          v.name,
          when(v.deletionDate),
          when(v.scheduledPurgeDate),
          <>
            <form method="post" action={`${base}/${v.name}/recover`} class="inline"><Csrf token={csrf} /><button type="submit" class="secondary">Recover</button></form>{" "}
            <form method="post" action={`${base}/${v.name}/purge`} class="inline" data-confirm={`Purge ${v.name} for ever?`}><Csrf token={csrf} /><button type="submit" class="danger">Purge</button></form>
          </>,
        ])}
      />
    </>,
    { tenantId },
  );
});

tenantRoutes.get("/t/:tenant/vaults/open", (c) => {
  const name = (c.req.query("vault") ?? "").trim();
  const to = `/portal/t/${c.req.param("tenant")}/vaults`;
  return /^[A-Za-z0-9-]{3,24}$/.test(name) ? c.redirect(`${to}/${name.toLowerCase()}/secrets`, 303) : redirectWith(c, to, "error", "Not a vault name.");
});

tenantRoutes.post("/t/:tenant/vaults", async (c) => {
  const tenantId = c.req.param("tenant");
  const form = await formOf(c);
  const name = (form.name ?? "").toLowerCase();
  const answer = await adminApi(c, "PUT", `/tenants/${tenantId}/vaults/${encodeURIComponent(name)}`, {
    sku: form.sku,
    softDeleteRetentionInDays: Number(form.retention ?? "90"),
    enablePurgeProtection: form.purgeProtection === "on",
  });
  const base = `/portal/t/${tenantId}/vaults`;
  return answer.ok ? redirectWith(c, `${base}/${name}`, "ok", `Vault ${name} created.`) : redirectWith(c, base, "error", answer.message);
});

tenantRoutes.post("/t/:tenant/vaults/:vault/recover", async (c) => {
  const { tenant, vault } = c.req.param();
  const answer = await adminApi(c, "PUT", `/tenants/${tenant}/vaults/${vault}`, { createMode: "recover" });
  return redirectWith(c, `/portal/t/${tenant}/vaults`, answer.ok ? "ok" : "error", answer.ok ? `Vault ${vault} recovered.` : answer.message);
});

tenantRoutes.post("/t/:tenant/vaults/:vault/purge", async (c) => {
  const { tenant, vault } = c.req.param();
  const answer = await adminApi(c, "POST", `/tenants/${tenant}/deletedVaults/${vault}/purge`);
  return redirectWith(c, `/portal/t/${tenant}/vaults`, answer.ok ? "ok" : "error", answer.ok ? `Vault ${vault} purged.` : answer.message);
});
