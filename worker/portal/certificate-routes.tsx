import { Hono } from "hono";
import { base64ToBytes } from "../../core/crypto/bytes.ts";
import { idParts, tagsText, type ObjectItem } from "./object-forms.tsx";
import { certificateBlocks, pemOf } from "./pem.ts";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { itemsOf, vaultApi } from "./upstream.ts";
import { certificatePolicyOf, CertificatePolicyForm, lifetimeActionsOf, LifetimeFields } from "./views/certificate-policy.tsx";
import { Csrf } from "./views/layout.tsx";
import { Table, when } from "./views/table.tsx";
import { NameFilterForm, nameFilter } from "./views/name-filter.tsx";
import { nextPageToken, PAGE_PARAM, pageQuery, Pager } from "./list-pages.tsx";

/**
 * Certificates through the data plane: create with a policy, the pending operation (CSR download, merge of the
 * issued chain), downloads (the certificate, and with its key — PEM or PFX — from the certificate's secret), and the
 * policy's lifetime actions.
 */
export const certificateRoutes = new Hono<PortalEnv>({ strict: false });

const base = (tenant: string, vault: string): string => `/portal/t/${tenant}/vaults/${vault}/certificates`;

certificateRoutes.get("/t/:tenant/vaults/:vault/certificates", async (c) => {
  const { tenant, vault } = c.req.param();
  const { filter, query } = nameFilter(c);
  const current = c.req.query(PAGE_PARAM);
  const answer = await vaultApi(c, vault, "GET", "/certificates", undefined, { maxresults: "25", ...query, ...pageQuery(current) });
  return page(
    c,
    `Certificates in ${vault}`,
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      <NameFilterForm action={base(tenant, vault)} value={filter} />
      <Table
        caption="Certificates"
        head={["Name", "Enabled", "Expires", "Tags"]}
        rows={itemsOf<ObjectItem>(answer).map((x) => [
          <a href={`${base(tenant, vault)}/${idParts(x.id).name}`}>{idParts(x.id).name}</a>,
          x.attributes?.enabled === false ? "no" : "yes",
          when(x.attributes?.exp),
          tagsText(x.tags),
        ])}
      />
      <Pager here={base(tenant, vault)} query={{ filter }} current={current} next={nextPageToken(answer)} label="certificates" />
      <CertificatePolicyForm action={base(tenant, vault)} csrf={c.get("csrfToken")} />
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

certificateRoutes.post("/t/:tenant/vaults/:vault/certificates", async (c) => {
  const { tenant, vault } = c.req.param();
  const form = await formOf(c);
  const name = form.name ?? "";
  const answer = await vaultApi(c, vault, "POST", `/certificates/${encodeURIComponent(name)}/create`, certificatePolicyOf(form));
  if (!answer.ok) return redirectWith(c, base(tenant, vault), "error", answer.message);
  return redirectWith(c, `${base(tenant, vault)}/${encodeURIComponent(name)}`, "ok", `Certificate ${name} requested.`);
});

interface Pending {
  status?: string;
  csr?: string;
  status_details?: string;
}

certificateRoutes.get("/t/:tenant/vaults/:vault/certificates/:name", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const path = `/certificates/${encodeURIComponent(name)}`;
  const [bundle, pending] = await Promise.all([vaultApi(c, vault, "GET", path), vaultApi(c, vault, "GET", `${path}/pending`)]);
  const cert = bundle.body as (ObjectItem & { x5t?: string; policy?: { lifetime_actions?: { trigger?: Record<string, number>; action?: { action_type?: string } }[] } }) | null;
  const op = pending.ok ? (pending.body as Pending) : null;
  const csrf = c.get("csrfToken");
  const here = `${base(tenant, vault)}/${name}`;
  const lifetime = cert?.policy?.lifetime_actions?.[0];
  const [trigger, amount] = Object.entries(lifetime?.trigger ?? {})[0] ?? ["lifetime_percentage", 80];
  return page(
    c,
    `Certificate ${name}`,
    <>
      {bundle.ok || op !== null ? null : <p class="notice error" role="alert">{bundle.message}</p>}
      {op === null ? null : (
        <section aria-label="Pending operation">
          <h2>Pending operation: {op.status}</h2>
          {op.status_details === undefined ? null : <p>{op.status_details}</p>}
          {op.csr === undefined || op.status !== "inProgress" ? null : (
            <>
              <p><a href={`${here}/csr.pem`} download={`${name}.csr`}>Download the CSR</a></p>
              <form method="post" action={`${here}/merge`}>
                <fieldset>
                  <legend>Merge the issued certificate</legend>
                  <p class="field">
                    <label for="f-chain">Certificate chain (PEM, leaf first)</label>
                    <textarea id="f-chain" name="chain" rows={8} cols={70} required></textarea>
                  </p>
                  <Csrf token={csrf} />
                  <button type="submit">Merge</button>
                </fieldset>
              </form>
            </>
          )}
        </section>
      )}
      {!bundle.ok ? null : (
        <>
          <Table caption="Current version" head={["Version", "Thumbprint", "Created", "Expires"]} rows={[[<code>{idParts(cert?.id ?? "https://x/x/x/x").version}</code>, <code>{cert?.x5t ?? ""}</code>, when(cert?.attributes?.created), when(cert?.attributes?.exp)]]} />
          <p>
            <a href={`${here}/download/cer`} download={`${name}.pem`}>Certificate (PEM)</a> ·{" "}
            <a href={`${here}/download/secret`}>With private key (PEM or PFX, as its policy says)</a>
          </p>
          <form method="post" action={`${here}/lifetime`}>
            <fieldset>
              <legend>Lifetime action</legend>
              <LifetimeFields value={{ action: lifetime?.action?.action_type ?? "none", trigger, amount: String(amount) }} />
              <Csrf token={csrf} />
              <button type="submit">Save lifetime action</button>
            </fieldset>
          </form>
        </>
      )}
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

certificateRoutes.get("/t/:tenant/vaults/:vault/certificates/:name/csr.pem", async (c) => {
  const { vault, name } = c.req.param();
  const answer = await vaultApi(c, vault, "GET", `/certificates/${encodeURIComponent(name)}/pending`);
  const csr = (answer.body as Pending | null)?.csr;
  if (!answer.ok || csr === undefined) return c.text(answer.ok ? "No CSR is pending." : answer.message, 404);
  return c.body(pemOf("CERTIFICATE REQUEST", csr), 200, { "Content-Type": "application/pkcs10", "Content-Disposition": `attachment; filename="${name}.csr"` });
});

certificateRoutes.post("/t/:tenant/vaults/:vault/certificates/:name/merge", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const x5c = certificateBlocks((await formOf(c)).chain ?? "");
  const here = `${base(tenant, vault)}/${name}`;
  if (x5c.length === 0) return redirectWith(c, here, "error", "No PEM CERTIFICATE block found.");
  const answer = await vaultApi(c, vault, "POST", `/certificates/${encodeURIComponent(name)}/pending/merge`, { x5c });
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? "Merged: the certificate is issued." : answer.message);
});

certificateRoutes.post("/t/:tenant/vaults/:vault/certificates/:name/lifetime", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const body = { lifetime_actions: lifetimeActionsOf(await formOf(c)) };
  const answer = await vaultApi(c, vault, "PATCH", `/certificates/${encodeURIComponent(name)}/policy`, body);
  return redirectWith(c, `${base(tenant, vault)}/${name}`, answer.ok ? "ok" : "error", answer.ok ? "Lifetime action saved." : answer.message);
});

/** `cer`: the certificate alone; `secret`: the certificate's secret (key and chain), PEM text or PFX bytes (base64 on the wire). */
certificateRoutes.get("/t/:tenant/vaults/:vault/certificates/:name/download/:what{cer|secret}", async (c) => {
  const { vault, name, what } = c.req.param();
  if (what === "cer") {
    const answer = await vaultApi(c, vault, "GET", `/certificates/${encodeURIComponent(name)}`);
    const cer = (answer.body as { cer?: string } | null)?.cer;
    if (!answer.ok || cer === undefined) return c.text(answer.message, 404);
    return c.body(pemOf("CERTIFICATE", cer), 200, { "Content-Type": "application/x-pem-file", "Content-Disposition": `attachment; filename="${name}.pem"` });
  }
  const answer = await vaultApi(c, vault, "GET", `/secrets/${encodeURIComponent(name)}`);
  const secret = answer.body as { value?: string; contentType?: string } | null;
  if (!answer.ok || typeof secret?.value !== "string") return c.text(answer.message, 404);
  if (secret.contentType === "application/x-pkcs12") {
    return c.body(base64ToBytes(secret.value), 200, { "Content-Type": "application/x-pkcs12", "Content-Disposition": `attachment; filename="${name}.pfx"` });
  }
  return c.body(secret.value, 200, { "Content-Type": "application/x-pem-file", "Content-Disposition": `attachment; filename="${name}.key.pem"` });
});
