import { Hono } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { adminApi } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";

/** One vault: what the control plane says of it, its settings (edited as the JSON the admin API takes), deletion. */
export const vaultRoutes = new Hono<PortalEnv>({ strict: false });

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

vaultRoutes.get("/t/:tenant/vaults/:vault", async (c) => {
  const { tenant, vault } = c.req.param();
  const path = `/tenants/${tenant}/vaults/${vault}`;
  const [config, settings] = await Promise.all([adminApi(c, "GET", path), adminApi(c, "GET", `${path}/settings`)]);
  const csrf = c.get("csrfToken");
  return page(
    c,
    `Vault ${vault}`,
    <>
      {config.ok ? <pre>{pretty(config.body)}</pre> : <p class="notice error" role="alert">{config.message}</p>}
      <form method="post" action={`/portal/t/${tenant}/vaults/${vault}/settings`}>
        <fieldset>
          <legend>Settings</legend>
          <p class="field">
            <label for="f-settings">Settings (JSON merge patch of the vault's settings)</label>
            <textarea id="f-settings" name="settings" rows={12} cols={70}>{settings.ok ? pretty(settings.body) : ""}</textarea>
          </p>
          <Csrf token={csrf} />
          <button type="submit">Save settings</button>
        </fieldset>
      </form>
      <form method="post" action={`/portal/t/${tenant}/vaults/${vault}/delete`} data-confirm={`Delete vault ${vault}? It can be recovered until it is purged.`}>
        <Csrf token={csrf} />
        <button type="submit" class="danger">Delete vault</button>
      </form>
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

vaultRoutes.post("/t/:tenant/vaults/:vault/settings", async (c) => {
  const { tenant, vault } = c.req.param();
  const here = `/portal/t/${tenant}/vaults/${vault}`;
  let patch: unknown;
  try {
    patch = JSON.parse((await formOf(c)).settings ?? "");
  } catch {
    return redirectWith(c, here, "error", "The settings are not valid JSON.");
  }
  const answer = await adminApi(c, "PATCH", `/tenants/${tenant}/vaults/${vault}/settings`, patch);
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? "Settings saved." : answer.message);
});

vaultRoutes.post("/t/:tenant/vaults/:vault/delete", async (c) => {
  const { tenant, vault } = c.req.param();
  const answer = await adminApi(c, "DELETE", `/tenants/${tenant}/vaults/${vault}`);
  const to = answer.ok ? `/portal/t/${tenant}/vaults` : `/portal/t/${tenant}/vaults/${vault}`;
  return redirectWith(c, to, answer.ok ? "ok" : "error", answer.ok ? `Vault ${vault} deleted; recover it from the deleted vaults below.` : answer.message);
});
