import { Hono, type Context } from "hono";
import { attributesPatch, AttributesForm, expiryOf, idParts, parseTags, tagsText, type ObjectItem } from "./object-forms.tsx";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { itemsOf, vaultApi } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";
import { Field, Table, when } from "./views/table.tsx";
import { NameFilterForm, nameFilter } from "./views/name-filter.tsx";
import { nextPageToken, PAGE_PARAM, pageQuery, Pager } from "./list-pages.tsx";

/**
 * Secrets through the data plane with the person's token. A value is shown only in the answer to a "Reveal" post
 * (a SecretGet the vault audits), never in a URL or a redirect, and the page script wipes it when the page is left.
 */
export const secretRoutes = new Hono<PortalEnv>({ strict: false });

const base = (tenant: string, vault: string): string => `/portal/t/${tenant}/vaults/${vault}/secrets`;

secretRoutes.get("/t/:tenant/vaults/:vault/secrets", async (c) => {
  const { tenant, vault } = c.req.param();
  const { filter, query } = nameFilter(c);
  const current = c.req.query(PAGE_PARAM);
  const answer = await vaultApi(c, vault, "GET", "/secrets", undefined, { maxresults: "25", ...query, ...pageQuery(current) });
  return page(
    c,
    `Secrets in ${vault}`,
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      <NameFilterForm action={base(tenant, vault)} value={filter} />
      <Table
        caption="Secrets"
        head={["Name", "Enabled", "Expires", "Content type", "Tags"]}
        rows={itemsOf<ObjectItem>(answer).map((s) => [
          <a href={`${base(tenant, vault)}/${idParts(s.id).name}`}>{idParts(s.id).name}</a>,
          s.attributes?.enabled === false ? "no" : "yes",
          when(s.attributes?.exp),
          s.contentType ?? "",
          tagsText(s.tags),
        ])}
      />
      <Pager here={base(tenant, vault)} query={{ filter }} current={current} next={nextPageToken(answer)} label="secrets" />
      <SetSecretForm action={base(tenant, vault)} csrf={c.get("csrfToken")} legend="New secret" />
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

function SetSecretForm({ action, csrf, legend, name }: { action: string; csrf: string; legend: string; name?: string }) {
  return (
    <form method="post" action={action}>
      <fieldset>
        <legend>{legend}</legend>
        {name === undefined ? <Field label="Name" name="name" required /> : <input type="hidden" name="name" value={name} />}
        <p class="field">
          <label for="f-value">Value</label>
          <textarea id="f-value" name="value" rows={3} cols={60} required autocomplete="off"></textarea>
        </p>
        <Field label="Content type" name="contentType" />
        <Field label="Expires (UTC, YYYY-MM-DD)" name="exp" />
        <Field label="Tags (k=v, comma-separated)" name="tags" />
        <Csrf token={csrf} />
        <button type="submit">Set secret</button>
      </fieldset>
    </form>
  );
}

secretRoutes.post("/t/:tenant/vaults/:vault/secrets", async (c) => {
  const { tenant, vault } = c.req.param();
  const form = await formOf(c);
  const name = form.name ?? "";
  const exp = expiryOf(form.exp);
  if (exp === "invalid") return redirectWith(c, base(tenant, vault), "error", "The expiry is not a date.");
  const answer = await vaultApi(c, vault, "PUT", `/secrets/${encodeURIComponent(name)}`, {
    // Untrimmed: a value is kept byte for byte.
    value: String((await c.req.parseBody()).value ?? ""),
    ...(form.contentType ? { contentType: form.contentType } : {}),
    tags: parseTags(form.tags),
    ...(exp === null ? {} : { attributes: { exp } }),
  });
  if (!answer.ok) return redirectWith(c, base(tenant, vault), "error", answer.message);
  return redirectWith(c, `${base(tenant, vault)}/${encodeURIComponent(name)}`, "ok", `New version of ${name} set.`);
});

async function secretPage(c: Context<PortalEnv>, revealed?: { version: string; value: string }) {
  const { tenant, vault, name } = c.req.param() as { tenant: string; vault: string; name: string };
  const current = c.req.query(PAGE_PARAM);
  const answer = await vaultApi(c, vault, "GET", `/secrets/${encodeURIComponent(name)}/versions`, undefined, { maxresults: "25", ...pageQuery(current) });
  const versions = itemsOf<ObjectItem>(answer).sort((a, b) => (b.attributes?.created ?? 0) - (a.attributes?.created ?? 0));
  const csrf = c.get("csrfToken");
  const here = `${base(tenant, vault)}/${name}`;
  // The API lists versions oldest first: the newest, whose attributes the form edits, is on the last page.
  const next = nextPageToken(answer);
  const latest = next === null ? versions[0] : undefined;
  return page(
    c,
    `Secret ${name}`,
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      {revealed === undefined ? null : (
        <section aria-label="Revealed value">
          <h2>Value of version {revealed.version}</h2>
          <pre class="secret-value" data-secret>{revealed.value}</pre>
          <p><small>Shown once for this page; reading it was audited. It is gone when you leave the page.</small></p>
        </section>
      )}
      <Table
        caption="Versions"
        head={["Version", "Created", "Enabled", "Expires", "Tags", "Value"]}
        rows={versions.map((v) => [
          <code>{idParts(v.id).version}</code>,
          when(v.attributes?.created),
          v.attributes?.enabled === false ? "no" : "yes",
          when(v.attributes?.exp),
          tagsText(v.tags),
          <form method="post" action={`${here}/reveal`} class="inline">
            <input type="hidden" name="version" value={idParts(v.id).version} />
            <Csrf token={csrf} />
            <button type="submit" class="secondary" aria-label={`Reveal version ${idParts(v.id).version}`}>Reveal</button>
          </form>,
        ])}
      />
      <Pager here={here} current={current} next={next} label="versions" />
      {next === null ? null : <p><small>Newer versions are on the next pages; the newest one's attributes are edited on the last.</small></p>}
      {latest === undefined ? null : <AttributesForm action={`${here}/attributes`} csrf={csrf} item={latest} />}
      <SetSecretForm action={base(tenant, vault)} csrf={csrf} legend="Set a new version" name={name} />
      <form method="post" action={`${here}/delete`} data-confirm={`Delete secret ${name}?`}>
        <Csrf token={csrf} />
        <button type="submit" class="danger">Delete secret</button>
      </form>
    </>,
    { tenantId: tenant, vaultName: vault },
  );
}

secretRoutes.get("/t/:tenant/vaults/:vault/secrets/:name", (c) => secretPage(c));

secretRoutes.post("/t/:tenant/vaults/:vault/secrets/:name/reveal", async (c) => {
  const { vault, name } = c.req.param();
  const version = (await formOf(c)).version ?? "";
  const answer = await vaultApi(c, vault, "GET", `/secrets/${encodeURIComponent(name)}/${encodeURIComponent(version)}`);
  const value = (answer.body as { value?: unknown } | null)?.value;
  if (!answer.ok || typeof value !== "string") return redirectWith(c, `${base(c.req.param("tenant"), vault)}/${name}`, "error", answer.message);
  return secretPage(c, { version, value });
});

secretRoutes.post("/t/:tenant/vaults/:vault/secrets/:name/attributes", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const form = await formOf(c);
  const patch = attributesPatch(form);
  const here = `${base(tenant, vault)}/${name}`;
  if (typeof patch === "string") return redirectWith(c, here, "error", patch);
  const answer = await vaultApi(c, vault, "PATCH", `/secrets/${encodeURIComponent(name)}/${encodeURIComponent(form.version ?? "")}`, patch);
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? "Attributes saved." : answer.message);
});

secretRoutes.post("/t/:tenant/vaults/:vault/secrets/:name/delete", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const answer = await vaultApi(c, vault, "DELETE", `/secrets/${encodeURIComponent(name)}`);
  return redirectWith(c, base(tenant, vault), answer.ok ? "ok" : "error", answer.ok ? `Secret ${name} deleted.` : answer.message);
});
