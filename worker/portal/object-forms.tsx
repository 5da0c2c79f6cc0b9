import { Csrf } from "./views/layout.tsx";
import { Field } from "./views/table.tsx";

/** Azure's `attributes` of a secret, key or certificate version (the fields the portal shows and edits). */
export interface Attributes {
  enabled?: boolean;
  exp?: number;
  nbf?: number;
  created?: number;
  updated?: number;
}

export interface ObjectItem {
  id: string;
  kid?: string;
  attributes?: Attributes;
  tags?: Record<string, string>;
  contentType?: string;
}

/** `name` and `version` of an object id `https://{vault}/{collection}/{name}[/{version}]`. */
export function idParts(id: string): { name: string; version: string } {
  const [, , name = "", version = ""] = new URL(id).pathname.split("/");
  return { name, version };
}

/** Tags as `k=v, k2=v2` for a text field, and back (Azure: at most 15 tags; the API checks). */
export const tagsText = (tags: Record<string, string> | undefined): string =>
  Object.entries(tags ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

export function parseTags(text: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const [k, ...v] = pair.split("=");
    if (k !== undefined && k.trim() !== "") tags[k.trim()] = v.join("=").trim();
  }
  return tags;
}

/** A `datetime-local`-free expiry field: an ISO date or date-time (UTC), empty for none. */
export function expiryOf(text: string | undefined): number | null | "invalid" {
  if (text === undefined || text === "") return null;
  const ms = Date.parse(/T/.test(text) ? text : `${text}T00:00:00Z`);
  return Number.isNaN(ms) ? "invalid" : Math.floor(ms / 1000);
}

/** Enable/disable, expiry and tags of one version: PATCH …/{name}/{version} with `attributes` and `tags`. */
export function AttributesForm({ action, csrf, item }: { action: string; csrf: string; item: ObjectItem }) {
  const exp = item.attributes?.exp;
  return (
    <form method="post" action={action}>
      <fieldset>
        <legend>Attributes of this version</legend>
        <p class="field"><label><input type="checkbox" name="enabled" value="on" checked={item.attributes?.enabled !== false} /> Enabled</label></p>
        <Field label="Expires (UTC, YYYY-MM-DD or ISO date-time)" name="exp" value={exp === undefined ? "" : new Date(exp * 1000).toISOString()} />
        <Field label="Tags (k=v, comma-separated)" name="tags" value={tagsText(item.tags)} />
        <input type="hidden" name="version" value={idParts(item.id ?? item.kid ?? "https://x/x/x/x").version} />
        <Csrf token={csrf} />
        <button type="submit">Save attributes</button>
      </fieldset>
    </form>
  );
}

/** The PATCH body of AttributesForm's post, or an error text. */
export function attributesPatch(form: Record<string, string>): { attributes: Attributes; tags: Record<string, string> } | string {
  const exp = expiryOf(form.exp);
  if (exp === "invalid") return "The expiry is not a date.";
  return { attributes: { enabled: form.enabled === "on", ...(exp === null ? {} : { exp }) }, tags: parseTags(form.tags) };
}
