import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { PortalEnv } from "./portal-env.ts";
import { updateSession } from "./session.ts";
import { Page } from "./views/layout.tsx";

/** Where a page is: the tenant and vault its navigation shows. */
export interface Place {
  readonly tenantId?: string;
  readonly vaultName?: string;
}

/** A full page; the session's one-off notice is shown on it and then dropped. */
export async function page(c: Context<PortalEnv>, title: string, body: Child, place: Place = {}, status: 200 | 400 | 403 | 404 = 200): Promise<Response> {
  const session = c.get("session");
  if (session.notice !== undefined) updateSession(c, { notice: undefined });
  const html = await (
    <Page title={title} session={session} csrfToken={c.get("csrfToken")} tenantId={place.tenantId} vaultName={place.vaultName}>
      {body}
    </Page>
  ).toString();
  // The doctype keeps browsers in standards mode; JSX has no way to write it.
  return c.html(`<!doctype html>${html}`, status);
}

/** Post/redirect/get: the outcome of a form as a notice on the page it leads to (303, so a reload does not re-post). */
export function redirectWith(c: Context<PortalEnv>, to: string, kind: "ok" | "error", text: string): Response {
  updateSession(c, { notice: { kind, text } });
  return c.redirect(to, 303);
}

/** A form's fields as strings (files and repeated fields are not used by the portal's forms). */
export async function formOf(c: Context<PortalEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === "string") fields[name] = value.trim();
  return fields;
}
