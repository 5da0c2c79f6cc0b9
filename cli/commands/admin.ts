import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { flag, list, str, type Command, type CommandContext, type OptionSpec } from "../command.ts";
import { UsageError } from "../errors.ts";
import { segment } from "../object-options.ts";
import { AdminApi } from "../vault-api.ts";

/**
 * `kv admin …`: the admin API (README "Admin API"; worker/wire/control-plane-operations.ts), with the operator key
 * or a tenant admin's token. The tenant is --tenant or the profile's. Answers are printed as the API gives them.
 */
const TENANT = { tenant: { type: "string", description: "Tenant id (default: the profile's)." } } as const satisfies Record<string, OptionSpec>;
const VAULT = { vault: { type: "string", required: true, description: "Vault name." } } as const satisfies Record<string, OptionSpec>;

function admin(path: string, summary: string, example: string, options: Record<string, OptionSpec>, run: (api: AdminApi, context: CommandContext, tenantPath: () => string) => Promise<unknown>): Command {
  return {
    path: `admin ${path}`,
    summary,
    example,
    options: { ...TENANT, ...options },
    run(context) {
      const api = new AdminApi(context.session());
      return run(api, context, () => `/tenants/${segment(api.tenant(str(context.options, "tenant")))}`);
    },
  };
}

const need = (context: CommandContext, name: string): string => segment(str(context.options, name) as string);

/** `key=value` pairs whose values are JSON where they parse (true, 7, "x") and strings otherwise. */
function settingsOf(pairs: string[]): Record<string, unknown> {
  if (pairs.length === 0) throw new UsageError("Give at least one --set key=value.");
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new UsageError(`--set '${pair}' is not key=value.`);
      const raw = pair.slice(at + 1);
      try {
        return [pair.slice(0, at), JSON.parse(raw) as unknown];
      } catch {
        return [pair.slice(0, at), raw];
      }
    }),
  );
}

/** `{ [field]: value }` when the option was given, so the API applies its default otherwise. */
const given = <T>(field: string, value: T | undefined): Record<string, T> => (value === undefined ? {} : { [field]: value });

function wholeNumber(context: CommandContext, name: string): number | undefined {
  const value = str(context.options, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number.`);
  return Number(value);
}

const ID = { id: { type: "string", required: true, description: "Object id." } } as const satisfies Record<string, OptionSpec>;
const NAME = { name: { type: "string", short: "n", required: true, description: "Name." } } as const satisfies Record<string, OptionSpec>;

export const ADMIN_COMMANDS: Command[] = [
  admin("tenant create", "Create a tenant (operator).", "kv admin tenant create --display-name contoso", { "display-name": { type: "string", description: "Display name." } }, (api, c) =>
    api.call("POST", "/tenants", { displayName: str(c.options, "display-name") }),
  ),
  admin("tenant list", "List tenants (operator).", "kv admin tenant list -o table", {}, (api) => api.listAll("/tenants")),
  admin("tenant show", "Show a tenant.", "kv admin tenant show --tenant <id>", {}, (api, _c, t) => api.call("GET", t())),
  admin("tenant delete", "Delete a tenant (operator).", "kv admin tenant delete --tenant <id>", {}, async (api, _c, t) => void (await api.call("DELETE", t()))),

  admin("principal create", "Create a service principal or managed identity; its credential is shown once.", "kv admin principal create --type servicePrincipal --display-name ci", {
    type: { type: "string", required: true, description: "servicePrincipal or managedIdentity." },
    "display-name": { type: "string", description: "Display name." },
    "tenant-admin": { type: "boolean", description: "May use the admin API for its tenant." },
  }, (api, c, t) => api.call("POST", `${t()}/principals`, { type: str(c.options, "type"), displayName: str(c.options, "display-name"), ...(flag(c.options, "tenant-admin") ? { tenantAdmin: true } : {}) })),
  admin("principal list", "List principals.", "kv admin principal list -o table", {}, (api, _c, t) => api.listAll(`${t()}/principals`)),
  admin("principal show", "Show a principal.", "kv admin principal show --id <oid>", ID, (api, c, t) => api.call("GET", `${t()}/principals/${need(c, "id")}`)),
  admin("principal delete", "Delete a principal.", "kv admin principal delete --id <oid>", ID, async (api, c, t) => void (await api.call("DELETE", `${t()}/principals/${need(c, "id")}`))),
  admin("principal secret add", "Add a client secret (shown once; two may be valid at once).", "kv admin principal secret add --id <oid>", ID, (api, c, t) => api.call("POST", `${t()}/principals/${need(c, "id")}/secrets`, {})),

  admin("principal certificate add", "Add a certificate credential (its public certificate, PEM or DER) to a service principal.", "kv admin principal certificate add --id <oid> --file ci.crt", {
    ...ID,
    file: { type: "string", short: "f", required: true, description: "The certificate (PEM or DER)." },
  }, (api, c, t) => {
    const data = readFileSync(str(c.options, "file") as string);
    const key = data.toString("utf8").includes("-----BEGIN") ? data.toString("utf8") : data.toString("base64");
    return api.call("POST", `${t()}/principals/${need(c, "id")}/certificates`, { key });
  }),

  admin("user create", "Create a person who signs in with a password (docs/sign-in.md).", "kv admin user create --upn alice@contoso.example --display-name Alice --password '…' --tenant-admin", {
    upn: { type: "string", required: true, description: "User principal name, name@domain." },
    "display-name": { type: "string", description: "Display name." },
    password: { type: "string", required: true, description: "Initial password (8 to 256 characters)." },
    "tenant-admin": { type: "boolean", description: "May use the admin API for the tenant." },
  }, (api, c, t) => api.call("POST", `${t()}/users`, { userPrincipalName: str(c.options, "upn"), displayName: str(c.options, "display-name"), password: str(c.options, "password"), ...(flag(c.options, "tenant-admin") ? { tenantAdmin: true } : {}) })),
  admin("user list", "List users.", "kv admin user list -o table", {}, (api, _c, t) => api.listAll(`${t()}/users`)),
  admin("user show", "Show a user.", "kv admin user show --id <oid>", ID, (api, c, t) => api.call("GET", `${t()}/users/${need(c, "id")}`)),
  admin("user delete", "Delete a user, their role assignments and sessions.", "kv admin user delete --id <oid>", ID, async (api, c, t) => void (await api.call("DELETE", `${t()}/users/${need(c, "id")}`))),
  admin("user set-password", "Set a user's password (their sessions are revoked).", "kv admin user set-password --id <oid> --password '…'", { ...ID, password: { type: "string", required: true, description: "New password." } }, async (api, c, t) =>
    void (await api.call("PUT", `${t()}/users/${need(c, "id")}/password`, { password: str(c.options, "password") })),
  ),
  admin("user revoke-sessions", "Revoke every refresh token of a user.", "kv admin user revoke-sessions --id <oid>", ID, (api, c, t) => api.call("POST", `${t()}/users/${need(c, "id")}/revokeSessions`, {})),

  admin("vault create", "Create or update a vault.", "kv admin vault create --name team --retention-days 7 --sku premium", {
    ...NAME,
    "retention-days": { type: "string", description: "Soft-delete retention, 7-90 days." },
    "purge-protection": { type: "boolean", description: "Enable purge protection." },
    sku: { type: "string", description: "standard, premium or managedHSM." },
  }, (api, c, t) => {
    const days = str(c.options, "retention-days");
    const body = { ...(days === undefined ? {} : { softDeleteRetentionInDays: Number(days) }), ...(flag(c.options, "purge-protection") ? { enablePurgeProtection: true } : {}), ...(str(c.options, "sku") === undefined ? {} : { sku: str(c.options, "sku") }) };
    return api.call("PUT", `${t()}/vaults/${need(c, "name")}`, body);
  }),
  admin("vault list", "List vaults.", "kv admin vault list --query \"[].name\" -o tsv", {}, (api, _c, t) => api.listAll(`${t()}/vaults`)),
  admin("vault show", "Show a vault.", "kv admin vault show --name dev", NAME, (api, c, t) => api.call("GET", `${t()}/vaults/${need(c, "name")}`)),
  admin("vault delete", "Delete a vault (soft delete).", "kv admin vault delete --name team", NAME, async (api, c, t) => void (await api.call("DELETE", `${t()}/vaults/${need(c, "name")}`))),
  admin("vault settings show", "Show a vault's operational settings.", "kv admin vault settings show --name dev", NAME, (api, c, t) => api.call("GET", `${t()}/vaults/${need(c, "name")}/settings`)),
  admin("vault settings update", "Change a vault's operational settings.", "kv admin vault settings update --name dev --set longRunningOperations=immediate", {
    ...NAME,
    set: { type: "string", multiple: true, description: "setting=value (JSON values: true, 7, \"x\"); repeat for more." },
  }, (api, c, t) => api.call("PATCH", `${t()}/vaults/${need(c, "name")}/settings`, settingsOf(list(c.options, "set")))),

  admin("role list", "List role definitions.", "kv admin role list --query \"[].roleName\" -o tsv", {}, async (api) => api.listAll("/roleDefinitions")),

  admin("assignment create", "Assign a role on a vault (or one object of it, --scope /secrets/name).", "kv admin assignment create --vault dev --role \"Key Vault Secrets User\" --assignee <oid>", {
    ...VAULT,
    role: { type: "string", required: true, description: "Role name, e.g. \"Key Vault Secrets User\"." },
    assignee: { type: "string", required: true, description: "Principal object id." },
    scope: { type: "string", description: "/secrets/{name}, /keys/{name} … (default: the vault)." },
    id: { type: "string", description: "Assignment id (default: a new GUID)." },
  }, (api, c, t) =>
    api.call("PUT", `${t()}/vaults/${need(c, "vault")}/roleAssignments/${segment(str(c.options, "id") ?? randomUUID())}`, { roleDefinitionName: str(c.options, "role"), principalId: str(c.options, "assignee"), ...(str(c.options, "scope") === undefined ? {} : { scope: str(c.options, "scope") }) }),
  ),
  admin("assignment list", "List a vault's role assignments.", "kv admin assignment list --vault dev -o table", VAULT, (api, c, t) => api.listAll(`${t()}/vaults/${need(c, "vault")}/roleAssignments`)),
  admin("assignment delete", "Remove a role assignment.", "kv admin assignment delete --vault dev --id <guid>", { ...VAULT, ...ID }, async (api, c, t) => void (await api.call("DELETE", `${t()}/vaults/${need(c, "vault")}/roleAssignments/${need(c, "id")}`))),

  // Flags as `az eventgrid event-subscription create` names them (--endpoint, --included-event-types,
  // --subject-begins-with, --event-delivery-schema, --max-delivery-attempts); --near-expiry-days is ours (Azure fixes 30).
  admin("event-subscription create", "Subscribe a webhook to a vault's events (again: replace its settings); the signing secret is shown once.", "kv admin event-subscription create --vault dev --name hook --endpoint https://example.com/hook --included-event-types Microsoft.KeyVault.SecretNewVersionCreated", {
    ...VAULT,
    ...NAME,
    endpoint: { type: "string", required: true, description: "Webhook URL (https; http only on loopback)." },
    "included-event-types": { type: "string", multiple: true, description: "Event type; repeat for more (default: all)." },
    "subject-begins-with": { type: "string", description: "Only objects whose name starts with this (case-insensitive)." },
    "event-delivery-schema": { type: "string", description: "EventGridSchema (default) or CloudEventSchemaV1_0." },
    "max-delivery-attempts": { type: "string", description: "Attempts before a delivery is dead-lettered, 1-30 (default 8)." },
    "near-expiry-days": { type: "string", description: "Days before expiry that NearExpiry events are sent (default 30)." },
  }, (api, c, t) => {
    const types = list(c.options, "included-event-types");
    const body = {
      url: str(c.options, "endpoint"),
      ...(types.length === 0 ? {} : { eventTypes: types }),
      ...given("subjectBeginsWith", str(c.options, "subject-begins-with")),
      ...given("schema", str(c.options, "event-delivery-schema")),
      ...given("maxDeliveryAttempts", wholeNumber(c, "max-delivery-attempts")),
      ...given("nearExpiryDays", wholeNumber(c, "near-expiry-days")),
    };
    return api.call("PUT", `${t()}/vaults/${need(c, "vault")}/eventSubscriptions/${need(c, "name")}`, body);
  }),
  admin("event-subscription list", "List a vault's event subscriptions.", "kv admin event-subscription list --vault dev -o table", VAULT, (api, c, t) => api.listAll(`${t()}/vaults/${need(c, "vault")}/eventSubscriptions`)),
  admin("event-subscription show", "Show an event subscription.", "kv admin event-subscription show --vault dev --name hook", { ...VAULT, ...NAME }, (api, c, t) => api.call("GET", `${t()}/vaults/${need(c, "vault")}/eventSubscriptions/${need(c, "name")}`)),
  admin("event-subscription delete", "Delete an event subscription.", "kv admin event-subscription delete --vault dev --name hook", { ...VAULT, ...NAME }, async (api, c, t) => void (await api.call("DELETE", `${t()}/vaults/${need(c, "vault")}/eventSubscriptions/${need(c, "name")}`))),
  admin("event-subscription deliveries", "List an event subscription's deliveries, newest first.", "kv admin event-subscription deliveries --vault dev --name hook --status deadLettered", {
    ...VAULT,
    ...NAME,
    status: { type: "string", description: "pending, delivered or deadLettered (default: all)." },
    top: { type: "string", description: "At most this many, 1-1000 (default 100)." },
  }, (api, c, t) => {
    const query = { ...given("status", str(c.options, "status")), ...given("$top", wholeNumber(c, "top")?.toString()) };
    return api.listAll(`${t()}/vaults/${need(c, "vault")}/eventSubscriptions/${need(c, "name")}/deliveries`, query);
  }),
  admin("event-subscription redeliver", "Send a dead-lettered delivery again, from its first attempt.", "kv admin event-subscription redeliver --vault dev --name hook --delivery-id <guid>", {
    ...VAULT,
    ...NAME,
    "delivery-id": { type: "string", required: true, description: "The delivery's id (from deliveries)." },
  }, (api, c, t) => api.call("POST", `${t()}/vaults/${need(c, "vault")}/eventSubscriptions/${need(c, "name")}/deliveries/${need(c, "delivery-id")}/redeliver`, {})),

  admin("audit list", "Query the control-plane audit log (the tenant's; with --all-tenants, the operator's view of all).", "kv admin audit list --operation VaultPut -o table", {
    operation: { type: "string", description: "Operation name, e.g. VaultPut." },
    from: { type: "string", description: "ISO 8601 start (inclusive)." },
    "all-tenants": { type: "boolean", description: "Every tenant's records (operator)." },
  }, (api, c, t) => {
    const query = Object.fromEntries(["operation", "from"].flatMap((name) => (str(c.options, name) === undefined ? [] : [[name, str(c.options, name) as string]])));
    return api.listAll(flag(c.options, "all-tenants") ? "/auditLog" : `${t()}/auditLog`, query);
  }),
];
