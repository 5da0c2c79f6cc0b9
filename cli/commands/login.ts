import { resolve } from "node:path";
import { checkProfileName, writePrivateJson, type Profile } from "../config.ts";
import { flag, str, type Command, type CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { Session } from "../session.ts";
import { progressFor } from "../progress.ts";
import type { Credential } from "../auth/credentials.ts";

const LOGIN_OPTIONS = {
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

function credentialOf(context: CommandContext): { credential: Credential; user: Profile["user"] } {
  const o = context.options;
  const operatorKey = str(o, "operator-key") ?? (flag(o, "service-principal") || flag(o, "identity") ? undefined : process.env.KV_OPERATOR_KEY);
  const chosen = [flag(o, "service-principal"), flag(o, "identity"), operatorKey !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError("Choose one of --service-principal, --identity and --operator-key.");
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
  throw new UsageError("Choose how to log in: --service-principal, --identity or --operator-key (see kv login --help).");
}

export const LOGIN_COMMANDS: Command[] = [
  {
    path: "login",
    summary: "Log in and save a profile: a service principal, this machine's managed identity, or the operator key.",
    example: "source .dev/env && kv login --identity --endpoint https://localhost:8443",
    options: LOGIN_OPTIONS,
    async run(context) {
      const name = checkProfileName(str(context.options, "profile") ?? process.env.KV_PROFILE ?? "default");
      const endpoint = endpointOf(context);
      const { credential, user } = credentialOf(context);
      const tenantId = str(context.options, "tenant") ?? process.env.EDGE_VAULT_TENANT_ID;
      if (tenantId === undefined && credential.kind !== "operatorKey" && credential.kind !== "managedIdentity") throw new UsageError("--tenant is required.");
      const caFile = str(context.options, "ca-file") ?? process.env.KV_CA_FILE ?? process.env.NODE_EXTRA_CA_CERTS;
      const profile: Profile = {
        endpoint,
        vaultDomain: str(context.options, "vault-domain") ?? `vault.${new URL(endpoint).host}`,
        user,
        ...(tenantId === undefined ? {} : { tenantId }),
        ...(caFile === undefined ? {} : { caFile: resolve(caFile) }),
      };
      // Prove the credential before saving anything: a token for the admin API (operator) or a vault.
      const session = new Session(context.store, name, profile, progressFor(process.stderr));
      writePrivateJson(context.store.credentialPath(name), credential);
      try {
        await session.token(credential.kind === "operatorKey" ? session.adminResource : `https://${profile.vaultDomain}`);
      } catch (error) {
        context.store.removeProfile(name);
        throw error;
      }
      context.store.saveProfile(name, profile, true);
      return { profile: name, endpoint, tenantId: tenantId ?? null, user, vaultDomain: profile.vaultDomain, isDefault: true };
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
