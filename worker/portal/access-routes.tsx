import { Hono, type Context } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { adminApi, itemsOf } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";
import { Field, Select, Table, when } from "./views/table.tsx";

/** Access: the tenant's principals (a new one's credential shown once), and each vault's role assignments. */
export const accessRoutes = new Hono<PortalEnv>({ strict: false });

interface Principal {
  id: string;
  appId?: string;
  type: string;
  displayName: string;
  tenantAdmin?: boolean;
  created?: number;
}

async function principalsPage(c: Context<PortalEnv>, created?: Record<string, unknown>) {
  const tenantId = c.req.param("tenant");
  const answer = await adminApi(c, "GET", `/tenants/${tenantId}/principals`);
  const credential = created?.clientSecret ?? created?.identityHeader;
  return page(
    c,
    "Principals",
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      {created === undefined ? null : (
        <section aria-label="New credential">
          <h2>Credential of {String(created.displayName)}</h2>
          <p>Copy it now: it is shown this once and cannot be read again.</p>
          <pre class="secret-value" data-secret>{`appId: ${String(created.appId)}\n${created.clientSecret === undefined ? "identityHeader" : "clientSecret"}: ${String(credential)}`}</pre>
        </section>
      )}
      <Table
        caption="Principals"
        head={["Name", "Type", "Object id", "App id", "Tenant admin", "Created"]}
        rows={itemsOf<Principal>(answer).map((p) => [p.displayName, p.type, <code>{p.id}</code>, <code>{p.appId ?? ""}</code>, p.tenantAdmin === true ? "yes" : "no", when(p.created)])}
      />
      <form method="post" action={`/portal/t/${tenantId}/users`}>
        <fieldset>
          <legend>New person</legend>
          <Field label="User principal name" name="userPrincipalName" type="email" required />
          <Field label="Display name" name="userDisplayName" />
          <Field label="Initial password" name="password" type="password" required hint="8 to 256 characters; tell it to the person out of band." />
          <p class="field"><label><input type="checkbox" name="userTenantAdmin" value="on" /> Tenant admin</label></p>
          <Csrf token={c.get("csrfToken")} />
          <button type="submit">Create person</button>
        </fieldset>
      </form>
      <form method="post" action={`/portal/t/${tenantId}/principals`}>
        <fieldset>
          <legend>New principal</legend>
          <Field label="Display name" name="displayName" required />
          <Select label="Type" name="type" options={["servicePrincipal", "managedIdentity"]} />
          <p class="field"><label><input type="checkbox" name="tenantAdmin" value="on" /> Tenant admin</label></p>
          <Csrf token={c.get("csrfToken")} />
          <button type="submit">Create principal</button>
        </fieldset>
      </form>
    </>,
    { tenantId },
  );
}

accessRoutes.get("/t/:tenant/principals", (c) => principalsPage(c));

/** The answer to the create is the page itself (never a redirect), so the credential is in no URL and no session. */
accessRoutes.post("/t/:tenant/principals", async (c) => {
  const form = await formOf(c);
  const body = { type: form.type, displayName: form.displayName, tenantAdmin: form.tenantAdmin === "on" };
  const answer = await adminApi(c, "POST", `/tenants/${c.req.param("tenant")}/principals`, body);
  if (!answer.ok) return redirectWith(c, `/portal/t/${c.req.param("tenant")}/principals`, "error", answer.message);
  return principalsPage(c, answer.body as Record<string, unknown>);
});

/** People sign in with their password (docs/sign-in.md "Users"); the portal never shows or keeps it. */
accessRoutes.post("/t/:tenant/users", async (c) => {
  const tenantId = c.req.param("tenant");
  const body = await c.req.parseBody();
  const text = (name: string): string => (typeof body[name] === "string" ? String(body[name]) : "");
  const answer = await adminApi(c, "POST", `/tenants/${tenantId}/users`, {
    userPrincipalName: text("userPrincipalName").trim(),
    ...(text("userDisplayName").trim() === "" ? {} : { displayName: text("userDisplayName").trim() }),
    password: text("password"),
    tenantAdmin: text("userTenantAdmin") === "on",
  });
  const to = `/portal/t/${tenantId}/principals`;
  return redirectWith(c, to, answer.ok ? "ok" : "error", answer.ok ? `${text("userPrincipalName").trim()} can now sign in.` : answer.message);
});

interface Assignment {
  id: string;
  name?: string;
  principalId: string;
  roleDefinitionName?: string;
  roleName?: string;
  scope: string;
}

accessRoutes.get("/t/:tenant/vaults/:vault/access", async (c) => {
  const { tenant, vault } = c.req.param();
  const [assignments, roles, principals] = await Promise.all([
    adminApi(c, "GET", `/tenants/${tenant}/vaults/${vault}/roleAssignments`),
    adminApi(c, "GET", `/tenants/${tenant}/roleDefinitions`),
    adminApi(c, "GET", `/tenants/${tenant}/principals`),
  ]);
  const names = new Map(itemsOf<Principal>(principals).map((p) => [p.id, `${p.displayName} (${p.type})`]));
  const roleNames = itemsOf<{ properties?: { roleName?: string } }>(roles).flatMap((r) => (r.properties?.roleName === undefined ? [] : [r.properties.roleName]));
  const csrf = c.get("csrfToken");
  const here = `/portal/t/${tenant}/vaults/${vault}/access`;
  return page(
    c,
    `Access to ${vault}`,
    <>
      {assignments.ok ? null : <p class="notice error" role="alert">{assignments.message}</p>}
      <Table
        caption="Role assignments"
        head={["Principal", "Role", "Scope", ""]}
        rows={itemsOf<Assignment>(assignments).map((a) => [
          names.get(a.principalId) ?? <code>{a.principalId}</code>,
          a.roleDefinitionName ?? a.roleName ?? "",
          <code>{a.scope}</code>,
          <form method="post" action={`${here}/remove`} class="inline" data-confirm="Remove this role assignment?">
            <input type="hidden" name="assignmentId" value={a.name ?? a.id.split("/").pop() ?? ""} />
            <Csrf token={csrf} />
            <button type="submit" class="danger">Remove</button>
          </form>,
        ])}
      />
      <form method="post" action={here}>
        <fieldset>
          <legend>Assign a role</legend>
          <p class="field">
            <label for="f-principalId">Principal</label>
            <select id="f-principalId" name="principalId">
              {itemsOf<Principal>(principals).map((p) => <option value={p.id}>{`${p.displayName} (${p.type})`}</option>)}
            </select>
          </p>
          <Select label="Role" name="roleDefinitionName" options={roleNames} value="Key Vault Secrets User" />
          <Field label="Scope" name="scope" value="/" hint="/ for the whole vault, or /secrets/{name}, /keys/{name}, /certificates/{name}." />
          <Csrf token={csrf} />
          <button type="submit">Assign</button>
        </fieldset>
      </form>
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

accessRoutes.post("/t/:tenant/vaults/:vault/access", async (c) => {
  const { tenant, vault } = c.req.param();
  const form = await formOf(c);
  const body = { principalId: form.principalId, roleDefinitionName: form.roleDefinitionName, scope: form.scope || "/" };
  const answer = await adminApi(c, "PUT", `/tenants/${tenant}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`, body);
  return redirectWith(c, `/portal/t/${tenant}/vaults/${vault}/access`, answer.ok ? "ok" : "error", answer.ok ? `${form.roleDefinitionName} assigned.` : answer.message);
});

accessRoutes.post("/t/:tenant/vaults/:vault/access/remove", async (c) => {
  const { tenant, vault } = c.req.param();
  const id = encodeURIComponent((await formOf(c)).assignmentId ?? "");
  const answer = await adminApi(c, "DELETE", `/tenants/${tenant}/vaults/${vault}/roleAssignments/${id}`);
  return redirectWith(c, `/portal/t/${tenant}/vaults/${vault}/access`, answer.ok ? "ok" : "error", answer.ok ? "Role assignment removed." : answer.message);
});
