/**
 * docs/api-versions.md, generated from the code that decides it: the data-plane route table (Hono's `vaultApp.routes`),
 * the operation each route declares, and the api-version catalogue the api-version middleware enforces
 * (worker/wire/api-version.ts). `npm run docs:api-versions` (scripts/api-versions.ts) writes it;
 * api-versions-doc.test.ts beside this file fails when the committed file differs. It lives with the tests because
 * it runs in plain Node over the Worker's code, which only the tests' tsconfig types.
 */
import { vaultApp } from "../../worker/app.ts";
import { NEEDS_HARDWARE } from "../../worker/routes/key-operations.ts";
import { isAnonymousRoute } from "../../worker/routes/published-key-sets.ts";
import { ADDED_MEMBERS, API_VERSIONS, LATEST_API_VERSION, apiVersionOf, displayRoute, isAtLeast, routeAddedIn } from "../../worker/wire/api-version.ts";

export interface OperationRow {
  /** The operation name its requests are audited under (Azure's AuditEvent names: SecretGet, KeySign, …). */
  readonly operation: string;
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  /** The version that added it (7.0 for most). */
  readonly since: string;
  /** Read without a token or an api-version (the published key sets, docs/edge-reads.md). */
  readonly anonymous: boolean;
}

type Declaration = (c: unknown, next: () => Promise<void>) => unknown;

/**
 * The operation a route declares. Every data-plane route starts with its declaration (worker/middleware/operation.ts
 * `operation(kind)` or `namedOperation(name)`): a middleware that only sets the request's "operation" and
 * continues. It is run here against a context that records that and refuses anything else, so a route that starts
 * with anything but a declaration fails the generation instead of being guessed at.
 */
async function declaredOperation(method: string, path: string, handler: Declaration): Promise<string> {
  let operation: string | undefined;
  let continued = false;
  const context = new Proxy(
    {},
    {
      get(_target, member) {
        if (member === "set") return (name: string, value: string) => (name === "operation" ? (operation = value) : undefined);
        throw new Error(`${method} ${path} does not start with its operation's declaration (it reads "${String(member)}")`);
      },
    },
  );
  await handler(context, async () => {
    continued = true;
  });
  if (operation === undefined || !continued) throw new Error(`${method} ${path} does not start with its operation's declaration`);
  return operation;
}

/** One row per operation, in the order the routes are registered; an operation's routes share its row. */
export async function operationRows(): Promise<OperationRow[]> {
  const rows = new Map<string, { routes: { method: string; path: string }[]; since: Set<string>; anonymous: boolean }>();
  const seen = new Set<string>();
  for (const route of vaultApp.routes) {
    const key = `${route.method} ${route.path}`;
    // App-wide middleware is `ALL /*`; a route's first entry is its declaration, the next its handler.
    if (route.method === "ALL" || seen.has(key)) continue;
    seen.add(key);
    const operation = await declaredOperation(route.method, route.path, route.handler as Declaration);
    const row = rows.get(operation) ?? { routes: [], since: new Set<string>(), anonymous: isAnonymousRoute(route.method, route.path) };
    row.routes.push({ method: route.method, path: route.path });
    row.since.add(routeAddedIn(route.method, route.path));
    rows.set(operation, row);
  }
  return [...rows].map(([operation, { routes, since, anonymous }]) => {
    if (since.size !== 1) throw new Error(`the routes of ${operation} were added in different versions: ${[...since].join(", ")}`);
    return { operation, routes, since: [...since][0] as string, anonymous };
  });
}

const refusals: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(NEEDS_HARDWARE).map(([operation, { refusal }]) => [operation, refusal]),
);

function unknownVersionMessage(): string {
  try {
    apiVersionOf(new URL("https://vault.example/secrets?api-version=7.9"));
  } catch (err) {
    if (err instanceof Error) return err.message;
  }
  throw new Error("api-version 7.9 was accepted");
}

/** The whole document, byte for byte what docs/api-versions.md holds. */
export async function renderApiVersionsDoc(): Promise<string> {
  const rows = await operationRows();
  const header = ["operation", "routes", "since", ...API_VERSIONS.map((v) => `\`${v}\``)];
  const table = [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => {
      const routes = row.routes.map((r) => `\`${displayRoute(r.method, r.path)}\``).join("<br>");
      const name = refusals[row.operation] !== undefined ? `${row.operation} ¹` : row.anonymous ? `${row.operation} ²` : row.operation;
      const cells = API_VERSIONS.map((v) => (row.anonymous ? "any" : isAtLeast(v, row.since) ? "✓" : "–"));
      return `| ${[name, routes, row.anonymous ? "none needed" : row.since, ...cells].join(" | ")} |`;
    }),
  ];
  const members = Object.entries(ADDED_MEMBERS).map(([member, since]) => `| \`${member}\` | ${since} |`);
  const notes = Object.entries(refusals).map(([operation, refusal]) => `- ${operation}: ${refusal}`);
  return [
    "<!-- Generated by `npm run docs:api-versions` (scripts/api-versions.ts) from the route table and",
    "     worker/wire/api-version.ts; test/architecture/api-versions-doc.test.ts fails when this file is stale. -->",
    "# Data-plane operations by api-version",
    "",
    `Every data-plane request names an api-version. The latest stable one is \`${LATEST_API_VERSION}\`; each version in the`,
    "columns below is accepted, and each stable one also as `-preview` and `-preview.N` (ranked just before it). An",
    `unknown version is \`400 BadParameter\`: "${unknownVersionMessage()}"`,
    "",
    "An operation exists from the version that added it (`since`); asked for with an older version it is",
    "`400 BadParameter`, naming the operation and its version. ✓: accepted; –: refused for that version.",
    "",
    ...table,
    "",
    "¹ Needs hardware this vault does not model; every request is answered `400 BadParameter`:",
    ...notes,
    "",
    "² An extension beyond Azure, read without a token and without an api-version (JOSE libraries send neither); one",
    "  given is ignored (docs/edge-reads.md, \"Published key sets\").",
    "",
    "## Response members by api-version",
    "",
    "Members a later version added to answers this server gives; a client of an older version does not see them.",
    "",
    "| member | since |",
    "|---|---|",
    ...members,
    "",
  ].join("\n");
}
