import { resolve } from "node:path";
import { checkProfileName, writePrivateJson, type Profile } from "../config.ts";
import { flag, str, type Command, type CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { Session } from "../session.ts";
import { progressFor } from "../progress.ts";
import type { Credential } from "../auth/credentials.ts";
import { browserLogin } from "../auth/browser.ts";
import { deviceCodeLogin } from "../auth/device-code.ts";
import { userNameOf } from "../auth/people.ts";
import { KV_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";

const LOGIN_OPTIONS = {
  "use-device-code": { type: "boolean", description: "Sign in as a person with a device code (the default when no other way is given)." },
  browser: { type: "boolean", description: "Sign in as a person in a web browser (authorization code with PKCE on a loopback redirect)." },
  "service-principal": { type: "boolean", description: "Log in as a service principal (-u app id, -p secret or --certificate)." },
  username: { type: "string", short: "u", description: "The service principal's app (client) id." },
  password: { type: "string", short: "p", description: "The service principal's client secret." },
  certificate: { type: "string", description: "PEM file with the service principal's certificate and private key." },
  tenant: { type: "string", short: "t", description: "Tenant id (default EDGE_VAULT_TENANT_ID)." },
  identity: { type: "boolean", description: "Log in with the managed identity of this machine (IDENTITY_ENDPOINT, IDENTITY_HEADER; npm run dev's .dev/env)." },
  "operator-key": { type: "string", description: "Log in as the operator with this key (or KV_OPERATOR_KEY); admin API only." },
  endpoint: { type: "string", description: "Origin of the token service and admin API (default KV_ENDPOINT, or IDENTITY_ENDPOINT's origin)." },
  "vault-domain": { type: "string", description: "Vault hosts are {name}.{this} (default vault.{endpoint host})." },
  "ca-file": { type: "string", description: "Extra CA (PEM) to trust (default KV_CA_FILE or NODE_EXTRA_CA_CERTS)." },
} as const;

function endpointOf(context: CommandContext): string {
  const explicit = str(context.options, "endpoint") ?? process.env.KV_ENDPOINT;
  const identityEndpoint = process.env.IDENTITY_ENDPOINT;
  const endpoint = explicit ?? (identityEndpoint === undefined ? undefined : new URL(identityEndpoint).origin);
  if (endpoint === undefined) throw new UsageError("--endpoint is required (e.g. https://localhost:8443), or set KV_ENDPOINT.");
  return new URL(endpoint).origin;
}

type LoginMethod = { readonly person: "deviceCode" | "browser" } | { readonly credential: Credential; readonly user: Profile["user"] };

function methodOf(context: CommandContext): LoginMethod {
  const o = context.options;
  const operatorKey = str(o, "operator-key") ?? (flag(o, "service-principal") || flag(o, "identity") ? undefined : process.env.KV_OPERATOR_KEY);
  const chosen = [flag(o, "service-principal"), flag(o, "identity"), operatorKey !== undefined, flag(o, "browser"), flag(o, "use-device-code")].filter(Boolean).length;
  if (chosen > 1) throw new UsageError("Choose one of --service-principal, --identity, --operator-key, --browser and --use-device-code.");
  if (operatorKey !== undefined) return { credential: { kind: "operatorKey", key: operatorKey }, user: { name: "operator", type: "operator" } };
  if (flag(o, "identity")) {
    const endpoint = process.env.IDENTITY_ENDPOINT;
    const header = process.env.IDENTITY_HEADER;
    if (endpoint === undefined || header === undefined) throw new UsageError("--identity needs IDENTITY_ENDPOINT and IDENTITY_HEADER (source .dev/env).");
    return { credential: { kind: "managedIdentity", endpoint, header }, user: { name: "systemAssignedIdentity", type: "servicePrincipal" } };
  }
  if (flag(o, "service-principal")) {
    const clientId = str(o, "username");
    const secret = str(o, "password");
    const certificate = str(o, "certificate");
    if (clientId === undefined) throw new UsageError("--service-principal needs -u/--username (the app id).");
    if ((secret === undefined) === (certificate === undefined)) throw new UsageError("--service-principal needs one of -p/--password and --certificate.");
    const credential: Credential = secret !== undefined ? { kind: "clientSecret", clientId, secret } : { kind: "clientCertificate", clientId, certificateFile: resolve(certificate as string) };
    return { credential, user: { name: clientId, type: "servicePrincipal" } };
  }
  return { person: flag(o, "browser") ? "browser" : "deviceCode" };
}

export const LOGIN_COMMANDS: Command[] = [
  {
    path: "login",
    summary: "Log in and save a profile: as a person (device code, or --browser), a service principal, this machine's managed identity, or the operator key.",
    example: "source .dev/env && kv login --endpoint https://localhost:8443 --tenant $EDGE_VAULT_TENANT_ID",
    options: LOGIN_OPTIONS,
    async run(context) {
      const name = checkProfileName(str(context.options, "profile") ?? process.env.KV_PROFILE ?? "default");
      const endpoint = endpointOf(context);
      const method = methodOf(context);
      const tenantId = str(context.options, "tenant") ?? process.env.EDGE_VAULT_TENANT_ID;
      const needsTenant = "person" in method || (method.credential.kind !== "operatorKey" && method.credential.kind !== "managedIdentity");
      if (tenantId === undefined && needsTenant) throw new UsageError("--tenant is required.");
      const caFile = str(context.options, "ca-file") ?? process.env.KV_CA_FILE ?? process.env.NODE_EXTRA_CA_CERTS;
      const base = {
        endpoint,
        vaultDomain: str(context.options, "vault-domain") ?? `vault.${new URL(endpoint).host}`,
        ...(tenantId === undefined ? {} : { tenantId }),
        ...(caFile === undefined ? {} : { caFile: resolve(caFile) }),
      };
      const vaultResource = `https://${base.vaultDomain}`;
      const probe = new Session(context.store, name, { ...base, user: { name: "", type: "" } }, progressFor(process.stderr));
      let profile: Profile;
      if ("person" in method) {
        // A person's first token comes from the interactive flow; the refresh token it carries renews every later one.
        const token = method.person === "browser" ? await browserLogin(probe.http, probe.profile, vaultResource) : await deviceCodeLogin(probe.http, probe.profile, probe.progress, vaultResource);
        const userName = userNameOf(token);
        profile = { ...base, user: { name: userName, type: "user" } };
        writePrivateJson(context.store.credentialPath(name), { kind: "user", clientId: KV_CLI_CLIENT_ID, userName } satisfies Credential);
        new Session(context.store, name, profile, probe.progress).rememberToken(vaultResource, token);
      } else {
        // Prove the credential before keeping the profile: a token for the admin API (operator) or the vaults.
        profile = { ...base, user: method.user };
        writePrivateJson(context.store.credentialPath(name), method.credential);
        const session = new Session(context.store, name, profile, probe.progress);
        try {
          await session.token(method.credential.kind === "operatorKey" ? session.adminResource : vaultResource);
        } catch (error) {
          context.store.removeProfile(name);
          throw error;
        }
      }
      context.store.saveProfile(name, profile, true);
      return { profile: name, endpoint, tenantId: tenantId ?? null, user: profile.user, vaultDomain: profile.vaultDomain, isDefault: true };
    },
  },
  {
    path: "logout",
    summary: "Forget a profile: its credential and cached tokens are deleted.",
    example: "kv logout --profile default",
    options: {},
    async run(context) {
      const name = context.store.resolveName(str(context.options, "profile"));
      if (!context.store.removeProfile(name)) throw new UsageError(`No profile named '${name}'.`);
      return undefined;
    },
  },
  {
    path: "account show",
    summary: "Show the profile in use.",
    example: "kv account show --query user.name -o tsv",
    options: {},
    async run(context) {
      const session = context.session();
      return { profile: session.name, ...session.profile };
    },
  },
  {
    path: "account list",
    summary: "List the saved profiles.",
    example: "kv account list -o table",
    options: {},
    run: async (context) => context.store.list().map(({ name, isDefault, profile }) => ({ profile: name, isDefault, endpoint: profile.endpoint, tenantId: profile.tenantId ?? null, user: profile.user })),
  },
];
