import type { Context } from "hono";
import type { PortalEnv } from "../portal-env.ts";
import { Field } from "./table.tsx";

/**
 * The name filter of the secret, key and certificate lists: the vault's own `edge-prefix` (worker/wire/list-filter.ts),
 * so the vault filters before it pages and every page of a filtered list stays filtered (its nextLink carries the
 * filter, and its token is bound to it). The vault checks the prefix and answers 400 for one no name can have.
 */
export function nameFilter(c: Context<PortalEnv>): { filter: string; query: Record<string, string> } {
  const filter = (c.req.query("filter") ?? "").trim();
  return { filter, query: filter === "" ? {} : { "edge-prefix": filter } };
}

export function NameFilterForm({ action, value }: { action: string; value: string }) {
  return (
    <form method="get" action={action} role="search">
      <Field label="Name starts with" name="filter" value={value} />
      <button type="submit" class="secondary">Filter</button>
    </form>
  );
}
