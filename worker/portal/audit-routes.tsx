import { Hono, type Context } from "hono";
import { auditCells, auditFilters, auditRecordId, readAuditPage, tailRecords, type AuditEvent, type AuditSource } from "./audit-records.ts";
import { nextPageToken, PAGE_PARAM, pageQuery, Pager } from "./list-pages.tsx";
import type { PortalEnv } from "./portal-env.ts";
import { page } from "./render.tsx";
import { itemsOf, vaultApi } from "./upstream.ts";
import { Field, Select } from "./views/table.tsx";

/** The audit logs: a vault's (data plane) and its tenant's control plane; filters, a live tail and an export. */
export const auditRoutes = new Hono<PortalEnv>({ strict: false });

const HEAD = ["Time", "Operation", "Result", "Caller", "Object"];

async function auditPage(c: Context<PortalEnv>, source: AuditSource, here: string, title: string, place: { tenantId: string; vaultName?: string }) {
  const filters = auditFilters(c.req.query());
  const current = c.req.query(PAGE_PARAM);
  const answer = await readAuditPage(c, source, { ...filters, maxresults: "25", ...pageQuery(current) });
  const records = itemsOf<AuditEvent>(answer);
  const since = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const exportQuery = new URLSearchParams(filters).toString();
  return page(
    c,
    title,
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      <form method="get" action={here} role="search">
        <fieldset>
          <legend>Filters</legend>
          <div class="cols">
            <Field label="From (ISO 8601)" name="from" value={filters.from} />
            <Field label="To (ISO 8601)" name="to" value={filters.to} />
            <Field label="Operation (e.g. SecretGet)" name="operation" value={filters.operation} />
            <Field label="Caller object id" name="caller" value={filters.caller} />
            <Select label="Object type" name="objectType" options={["any", "secret", "key", "certificate"]} value={filters.objectType} />
            <Field label="Object name" name="objectName" value={filters.objectName} />
            <Field label="Result (success, failure or a code)" name="result" value={filters.result} />
          </div>
          <button type="submit" class="secondary">Apply filters</button>
        </fieldset>
      </form>
      <p>
        {"vault" in source ? <><a href={`${here}/export?${exportQuery}`} download>Export (JSON Lines)</a> · </> : null}
        <button type="button" class="secondary" data-tail-toggle aria-pressed="false" hidden>Start live tail</button>
      </p>
      <table>
        <caption>Oldest first, 25 a page (the live tail adds new records at the end)</caption>
        <thead><tr>{HEAD.map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody data-tail={`${here}/tail?from=${encodeURIComponent(since)}`} aria-live="polite">
          {records.map((r) => <tr data-id={auditRecordId(r)}>{auditCells(r).map((t) => <td>{t}</td>)}</tr>)}
        </tbody>
      </table>
      <Pager here={here} query={filters} current={current} next={nextPageToken(answer)} label="the audit log" />
    </>,
    place,
  );
}

/** The live tail's feed: the records since the page was loaded, oldest first, as cells the script adds to the table. */
async function tail(c: Context<PortalEnv>, source: AuditSource): Promise<Response> {
  const records = await tailRecords(c, source, auditFilters({ from: c.req.query("from") ?? "" }));
  return c.json(records.map((r) => ({ id: auditRecordId(r), cells: auditCells(r) })));
}

auditRoutes.get("/t/:tenant/vaults/:vault/audit", (c) => {
  const { tenant, vault } = c.req.param();
  return auditPage(c, { vault }, `/portal/t/${tenant}/vaults/${vault}/audit`, `Audit log of ${vault}`, { tenantId: tenant, vaultName: vault });
});
auditRoutes.get("/t/:tenant/vaults/:vault/audit/tail", (c) => tail(c, { vault: c.req.param("vault") }));

auditRoutes.get("/t/:tenant/vaults/:vault/audit/export", async (c) => {
  const vault = c.req.param("vault");
  const answer = await vaultApi(c, vault, "GET", "/auditlog/export", undefined, { ...auditFilters(c.req.query()), maxresults: "1000" });
  if (!answer.ok) return c.text(answer.message, 400);
  const lines = answer.body === null ? "" : typeof answer.body === "string" ? answer.body : `${JSON.stringify(answer.body)}\n`;
  return c.body(lines, 200, { "Content-Type": "application/x-ndjson", "Content-Disposition": `attachment; filename="${vault}-audit.jsonl"` });
});

auditRoutes.get("/t/:tenant/audit", (c) => {
  const tenant = c.req.param("tenant");
  return auditPage(c, { tenant }, `/portal/t/${tenant}/audit`, "Tenant audit log (control plane)", { tenantId: tenant });
});
auditRoutes.get("/t/:tenant/audit/tail", (c) => tail(c, { tenant: c.req.param("tenant") }));
